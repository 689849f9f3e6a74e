import * as tf from '@tensorflow/tfjs';
import { attrInt, attrString } from './attrs.js';
import { ImportFault, dtypeOf, normalizeAxis, shapeOf, type OpContext } from './context.js';
import type { OpDef, OpTable } from './table.js';
import type { Value } from './types.js';

// Split / SplitV into several tensors, and DepthToSpace / SpaceToDepth (blocks between space and channels).

function emitSplit(ctx: OpContext, x: Value, axis: number, sizes: number[], opcode: 'SPLIT' | 'SPLIT_V'): Value[] {
  const shape = shapeOf(x);
  const outs = sizes.map((size, k) => {
    const s = shape.slice();
    s[axis] = size;
    return ctx.output(s, dtypeOf(x), k);
  });
  if (opcode === 'SPLIT') {
    ctx.op('SPLIT', [ctx.int32('axis', [axis], []), x], outs, 'SplitOptions', { numSplits: sizes.length });
  } else {
    ctx.op('SPLIT_V', [x, ctx.int32('size_splits', sizes), ctx.int32('axis', [axis], [])], outs, 'SplitVOptions', { numSplits: sizes.length });
  }
  return outs;
}

/** Split(axis, value) into num_split equal parts. */
const split: OpDef = {
  convert(ctx) {
    const x = ctx.input(1);
    const shape = shapeOf(x);
    const axis = normalizeAxis(Number(ctx.constInput(0, 'axis').data[0]), shape.length);
    const n = attrInt(ctx.node, 'num_split', 1);
    if (n < 1 || shape[axis]! % n !== 0) throw new ImportFault(`axis ${axis} of size ${shape[axis]} does not split into ${n} equal parts`);
    return emitSplit(ctx, x, axis, Array.from({ length: n }, () => shape[axis]! / n), 'SPLIT');
  },
  fold: (ctx, [axis, x]) => tf.split(x!, attrInt(ctx.node, 'num_split', 1), axis!.dataSync()[0]),
};

/** SplitV(value, size_splits, axis); one size may be -1 (the rest). */
const splitV: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const axis = normalizeAxis(Number(ctx.constInput(2, 'axis').data[0]), shape.length);
    const sizes = Array.from(ctx.constInput(1, 'size_splits').data, Number);
    const known = sizes.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
    const resolved = sizes.map((s) => (s < 0 ? shape[axis]! - known : s));
    if (sizes.filter((s) => s < 0).length > 1 || resolved.reduce((a, b) => a + b, 0) !== shape[axis]) {
      throw new ImportFault(`size_splits [${sizes.join(', ')}] do not add up to ${shape[axis]}`);
    }
    return emitSplit(ctx, x, axis, resolved, 'SPLIT_V');
  },
  fold: (_ctx, [x, sizes, axis]) => tf.split(x!, Array.from(sizes!.dataSync()), axis!.dataSync()[0]),
};

function blockSize(ctx: OpContext): number {
  const format = attrString(ctx.node, 'data_format', 'NHWC');
  if (format !== 'NHWC') throw new ImportFault(`data_format ${format}: TFLite is NHWC only; export the model channels-last`);
  const b = attrInt(ctx.node, 'block_size', 0);
  if (b < 2) throw new ImportFault(`block_size ${b} must be at least 2`);
  return b;
}

function rank4(ctx: OpContext): [number, number, number, number] {
  const shape = shapeOf(ctx.input(0));
  if (shape.length !== 4) throw new ImportFault(`the input must be rank 4 (NHWC), is [${shape.join(', ')}]`);
  return shape as [number, number, number, number];
}

const depthToSpace: OpDef = {
  convert(ctx) {
    const b = blockSize(ctx);
    const [n, h, w, c] = rank4(ctx);
    if (c % (b * b) !== 0) throw new ImportFault(`${c} channels do not divide by block_size² = ${b * b}`);
    const out = ctx.output([n, h * b, w * b, c / (b * b)], dtypeOf(ctx.input(0)));
    ctx.op('DEPTH_TO_SPACE', [ctx.input(0)], [out], 'DepthToSpaceOptions', { blockSize: b });
    return out;
  },
  fold: (ctx, [x]) => tf.depthToSpace(x as tf.Tensor4D, blockSize(ctx), 'NHWC'),
};

/** tfjs has no SpaceToDepth: folding spells it as TensorFlow defines it, a reshape-transpose-reshape. */
export function spaceToDepthTf(x: tf.Tensor4D, b: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(x, [n, h / b, b, w / b, b, c]), [0, 1, 3, 2, 4, 5]), [n, h / b, w / b, b * b * c]));
}

const spaceToDepth: OpDef = {
  convert(ctx) {
    const b = blockSize(ctx);
    const [n, h, w, c] = rank4(ctx);
    if (h % b !== 0 || w % b !== 0) throw new ImportFault(`spatial size ${h}x${w} does not divide by block_size ${b}`);
    const out = ctx.output([n, h / b, w / b, c * b * b], dtypeOf(ctx.input(0)));
    ctx.op('SPACE_TO_DEPTH', [ctx.input(0)], [out], 'SpaceToDepthOptions', { blockSize: b });
    return out;
  },
  fold: (ctx, [x]) => spaceToDepthTf(x as tf.Tensor4D, blockSize(ctx)),
};

export const REARRANGE_OPS: OpTable = {
  Split: split,
  SplitV: splitV,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
};
