import * as tf from '@tensorflow/tfjs';
import { attrBool } from './attrs.js';
import { normalizeAxis, shapeOf, type OpContext } from './context.js';
import type { OpDef, OpTable } from './table.js';
import type { Value } from './types.js';

// Mean / Max / Min / Sum / Prod over constant axes -> MEAN / REDUCE_MAX / REDUCE_MIN / SUM / REDUCE_PROD.

function keepDims(ctx: OpContext): boolean {
  return attrBool(ctx.node, 'keep_dims', attrBool(ctx.node, 'keepdims', false));
}

function reducer(opcode: string, fold: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor): OpDef {
  return {
    convert(ctx): Value {
      const x = ctx.input(0);
      const shape = shapeOf(x);
      const axes = [...new Set(Array.from(ctx.constInput(1, 'axes').data, (a) => normalizeAxis(a, shape.length)))].sort();
      const keep = keepDims(ctx);
      const outShape = keep ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_d, i) => !axes.includes(i));
      const out = ctx.output(outShape);
      ctx.op(opcode, [x, ctx.int32('axes', axes)], [out], 'ReducerOptions', { keepDims: keep });
      return out;
    },
    fold: (ctx, [x, axes]) => fold(x!, Array.from(axes!.dataSync()), keepDims(ctx)),
  };
}

export const REDUCE_OPS: OpTable = {
  Mean: reducer('MEAN', (x, a, k) => tf.mean(x, a, k)),
  Max: reducer('REDUCE_MAX', (x, a, k) => tf.max(x, a, k)),
  Min: reducer('REDUCE_MIN', (x, a, k) => tf.min(x, a, k)),
  Sum: reducer('SUM', (x, a, k) => tf.sum(x, a, k)),
  Prod: reducer('REDUCE_PROD', (x, a, k) => tf.prod(x, a, k)),
};
