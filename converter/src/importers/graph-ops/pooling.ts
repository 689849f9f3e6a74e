import { attrInts } from './attrs.js';
import { readWindow, windowOutput } from './conv.js';
import { ImportFault, shapeOf, type OpContext } from './context.js';
import type { OpTable } from './table.js';
import type { Value } from './types.js';

// MaxPool / AvgPool -> MAX_POOL_2D / AVERAGE_POOL_2D. Both TensorFlow and TFLite leave SAME padding out
// of the average, so the counts agree at the borders.

function convert(ctx: OpContext, opcode: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'): Value {
  const { window, x } = readWindow(ctx, ctx.input(0));
  const ksize = attrInts(ctx.node, 'ksize', []);
  if (ksize.length !== 4 || ksize[0] !== 1 || ksize[3] !== 1) throw new ImportFault(`ksize [${ksize.join(', ')}] must be [1, h, w, 1]`);
  const inShape = shapeOf(x);
  if (inShape.length !== 4) throw new ImportFault(`input must be rank 4 (NHWC), is [${inShape.join(', ')}]`);
  const [kh, kw] = [ksize[1]!, ksize[2]!];
  const outShape = [
    inShape[0]!,
    windowOutput(inShape[1]!, kh, window.strideH, 1, window.padding),
    windowOutput(inShape[2]!, kw, window.strideW, 1, window.padding),
    inShape[3]!,
  ];
  const out = ctx.output(outShape);
  ctx.op(opcode, [x], [out], 'Pool2DOptions', {
    padding: window.padding === 'SAME' ? 0 : 1, strideW: window.strideW, strideH: window.strideH,
    filterWidth: kw, filterHeight: kh, fusedActivationFunction: 0,
  });
  return out;
}

export const POOLING_OPS: OpTable = {
  MaxPool: { convert: (ctx) => convert(ctx, 'MAX_POOL_2D') },
  AvgPool: { convert: (ctx) => convert(ctx, 'AVERAGE_POOL_2D') },
};
