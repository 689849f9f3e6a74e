import * as tf from '@tensorflow/tfjs';
import { attrInt, attrString } from './attrs.js';
import { ImportFault, dtypeOf, normalizeAxis, shapeOf, type OpContext } from './context.js';
import type { OpDef, OpTable } from './table.js';
import type { Value } from './types.js';

// Split / SplitV into several tensors, DepthToSpace / SpaceToDepth (blocks between space and channels),
// SpaceToBatchND / BatchToSpaceND (blocks between space and batch: how TF1 graphs spell dilated convolution),
// ReverseV2 and BroadcastTo.

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

/** block_shape [M] and paddings/crops [M, 2], which must be constants (they decide the output shape). */
function blocks(ctx: OpContext, rank: number): { block: number[]; pads: number[] } {
  const block = Array.from(ctx.constInput(1, 'block_shape').data, Number);
  const pads = Array.from(ctx.constInput(2, ctx.node.op === 'SpaceToBatchND' ? 'paddings' : 'crops').data, Number);
  if (block.length < 1 || block.length > rank - 1 || pads.length !== 2 * block.length) {
    throw new ImportFault(`block_shape [${block.join(', ')}] does not fit an input of rank ${rank}`);
  }
  return { block, pads };
}

const spaceToBatch: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const { block, pads } = blocks(ctx, shape.length);
    const out = shape.slice();
    out[0] = shape[0]! * block.reduce((a, b) => a * b, 1);
    block.forEach((b, k) => {
      const padded = shape[k + 1]! + pads[2 * k]! + pads[2 * k + 1]!;
      if (padded % b !== 0) throw new ImportFault(`padded size ${padded} of axis ${k + 1} does not divide by block ${b}`);
      out[k + 1] = padded / b;
    });
    const y = ctx.output(out, dtypeOf(x));
    ctx.op('SPACE_TO_BATCH_ND', [x, ctx.int32('block_shape', block), ctx.int32('paddings', pads, [block.length, 2])], [y], 'SpaceToBatchNDOptions', {});
    return y;
  },
  fold: (_ctx, [x, block, pads]) => tf.spaceToBatchND(x!, Array.from(block!.dataSync()), toPairs(Array.from(pads!.dataSync()))),
};

const batchToSpace: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const { block, pads } = blocks(ctx, shape.length);
    const prod = block.reduce((a, b) => a * b, 1);
    if (shape[0]! % prod !== 0) throw new ImportFault(`batch ${shape[0]} does not divide by the block product ${prod}`);
    const out = shape.slice();
    out[0] = shape[0]! / prod;
    block.forEach((b, k) => { out[k + 1] = shape[k + 1]! * b - pads[2 * k]! - pads[2 * k + 1]!; });
    const y = ctx.output(out, dtypeOf(x));
    ctx.op('BATCH_TO_SPACE_ND', [x, ctx.int32('block_shape', block), ctx.int32('crops', pads, [block.length, 2])], [y], 'BatchToSpaceNDOptions', {});
    return y;
  },
  fold: (_ctx, [x, block, crops]) => tf.batchToSpaceND(x!, Array.from(block!.dataSync()), toPairs(Array.from(crops!.dataSync()))),
};

function toPairs(flat: number[]): number[][] {
  return Array.from({ length: flat.length / 2 }, (_v, k) => [flat[2 * k]!, flat[2 * k + 1]!]);
}

/** ReverseV2 along constant axes (TFLite's kernel takes one axis; several become a chain). */
const reverse: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const axes = [...new Set(Array.from(ctx.constInput(1, 'axis').data, (a) => normalizeAxis(Number(a), shape.length)))];
    if (axes.length === 0) return x;
    let current: Value = x;
    axes.forEach((axis, k) => {
      const out = k === axes.length - 1 ? ctx.output(shape, dtypeOf(x)) : ctx.intermediate(`reverse_${k}`, shape, dtypeOf(x));
      ctx.op('REVERSE_V2', [current, ctx.int32(`axis_${k}`, [axis])], [out], 'ReverseV2Options', {});
      current = out;
    });
    return current;
  },
  fold: (_ctx, [x, axes]) => tf.reverse(x!, Array.from(axes!.dataSync())),
};

const broadcastTo: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const target = Array.from(ctx.constInput(1, 'shape').data, Number);
    const shape = shapeOf(x);
    const ok = shape.length <= target.length && shape.every((d, k) => d === 1 || d === target[target.length - shape.length + k]);
    if (!ok) throw new ImportFault(`[${shape.join(', ')}] does not broadcast to [${target.join(', ')}]`);
    const out = ctx.output(target, dtypeOf(x));
    ctx.op('BROADCAST_TO', [x, ctx.int32('shape', target)], [out], 'BroadcastToOptions', {});
    return out;
  },
  fold: (_ctx, [x, shape]) => tf.broadcastTo(x!, Array.from(shape!.dataSync())),
};

export const REARRANGE_OPS: OpTable = {
  SpaceToBatchND: spaceToBatch,
  BatchToSpaceND: batchToSpace,
  ReverseV2: reverse,
  BroadcastTo: broadcastTo,
  Split: split,
  SplitV: splitV,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
};
