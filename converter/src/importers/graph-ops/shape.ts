import * as tf from '@tensorflow/tfjs';
import { elementCount } from '@borde/tflite';
import { attrDType, attrInt, attrInts, attrString } from './attrs.js';
import { ImportFault, OpContext, dtypeOf, normalizeAxis, shapeOf } from './context.js';
import type { OpDef, OpTable } from './table.js';
import type { Value, ValueDType } from './types.js';

// Ops that move data without arithmetic: reshapes, transposes, concatenation, padding, slicing, and the
// shape queries whose answers are known at import (static shapes), which fold into constants.

/** Resolves a TensorFlow reshape target (one -1 allowed) against an element count. */
function resolveShape(target: number[], elements: number): number[] {
  const known = target.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) throw new ImportFault(`reshape target [${target.join(', ')}] has more than one -1`);
  const shape = target.map((d) => (d === -1 ? elements / known : d));
  if (elementCount(shape) !== elements || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ImportFault(`cannot reshape ${elements} elements to [${target.join(', ')}]`);
  }
  return shape;
}

/** Emits RESHAPE of `x` to a static shape, as this node's output. */
function reshapeTo(ctx: OpContext, x: Value, shape: number[]): Value {
  const out = ctx.output(shape, dtypeOf(x));
  ctx.op('RESHAPE', [x, ctx.int32('shape', shape)], [out], 'ReshapeOptions', { newShape: shape });
  return out;
}

const reshape: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const target = Array.from(ctx.constInput(1, 'shape').data);
    return reshapeTo(ctx, x, resolveShape(target, elementCount(shapeOf(x))));
  },
  fold: (_ctx, [x, shape]) => tf.reshape(x!, Array.from(shape!.dataSync())),
};

function squeezeAxes(ctx: OpContext, shape: number[]): number[] {
  const dims = attrInts(ctx.node, 'squeeze_dims', attrInts(ctx.node, 'axis', []));
  if (dims.length === 0) return shape.flatMap((d, i) => (d === 1 ? [i] : []));
  return dims.map((a) => normalizeAxis(a, shape.length));
}

const squeeze: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const axes = squeezeAxes(ctx, shape);
    for (const a of axes) if (shape[a] !== 1) throw new ImportFault(`cannot squeeze axis ${a} of size ${shape[a]}`);
    return reshapeTo(ctx, x, shape.filter((_d, i) => !axes.includes(i)));
  },
  fold: (ctx, [x]) => tf.squeeze(x!, squeezeAxes(ctx, x!.shape)),
};

const expandDims: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x).slice();
    const axis = normalizeAxis(ctx.constInput(1, 'axis').data[0] as number, shape.length + 1);
    shape.splice(axis, 0, 1);
    return reshapeTo(ctx, x, shape);
  },
  fold: (_ctx, [x, axis]) => tf.expandDims(x!, axis!.dataSync()[0]),
};

const transpose: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const perm = Array.from(ctx.constInput(1, 'perm').data);
    if (perm.length !== shape.length) throw new ImportFault(`perm [${perm.join(', ')}] does not match rank ${shape.length}`);
    const out = ctx.output(perm.map((p) => shape[p]!), dtypeOf(x));
    ctx.op('TRANSPOSE', [x, ctx.int32('perm', perm)], [out], 'TransposeOptions', {});
    return out;
  },
  fold: (_ctx, [x, perm]) => tf.transpose(x!, Array.from(perm!.dataSync())),
};

/** ConcatV2 (axis last) and Concat (axis first). */
function concat(axisFirst: boolean): OpDef {
  const split = <T>(items: T[]): { values: T[]; axis: T } =>
    axisFirst ? { axis: items[0]!, values: items.slice(1) } : { axis: items[items.length - 1]!, values: items.slice(0, -1) };
  return {
    convert(ctx) {
      const { values, axis } = split(ctx.inputs);
      if (axis?.kind !== 'const') throw new ImportFault('the concat axis must be a constant');
      const shapes = values.map(shapeOf);
      const rank = shapes[0]!.length;
      const a = normalizeAxis(axis.c.data[0] as number, rank);
      const outShape = shapes[0]!.slice();
      outShape[a] = shapes.reduce((n, s) => n + s[a]!, 0);
      const out = ctx.output(outShape, dtypeOf(values[0]!));
      ctx.op('CONCATENATION', values, [out], 'ConcatenationOptions', { axis: a, fusedActivationFunction: 0 });
      return out;
    },
    fold: (_ctx, tensors) => {
      const { values, axis } = split(tensors);
      return tf.concat(values, axis.dataSync()[0]);
    },
  };
}

const pack: OpDef = {
  convert(ctx) {
    const shape = shapeOf(ctx.input(0));
    const axis = normalizeAxis(attrInt(ctx.node, 'axis', 0), shape.length + 1);
    const outShape = shape.slice();
    outShape.splice(axis, 0, ctx.inputs.length);
    const out = ctx.output(outShape, dtypeOf(ctx.input(0)));
    ctx.op('PACK', ctx.inputs, [out], 'PackOptions', { valuesCount: ctx.inputs.length, axis });
    return out;
  },
  fold: (ctx, values) => tf.stack(values, attrInt(ctx.node, 'axis', 0)),
};

const unpack: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const axis = normalizeAxis(attrInt(ctx.node, 'axis', 0), shape.length);
    const num = shape[axis]!;
    const outShape = shape.filter((_d, i) => i !== axis);
    const outs = Array.from({ length: num }, (_v, k) => ctx.output(outShape, dtypeOf(x), k));
    ctx.op('UNPACK', [x], outs, 'UnpackOptions', { num, axis });
    return outs;
  },
  fold: (ctx, [x]) => tf.unstack(x!, attrInt(ctx.node, 'axis', 0)),
};

function paddings(ctx: OpContext, rank: number): number[] {
  const p = ctx.constInput(1, 'paddings');
  if (p.data.length !== rank * 2) throw new ImportFault(`paddings must be [${rank}, 2]`);
  return Array.from(p.data);
}

function padOp(kind: 'PAD' | 'PADV2' | 'MIRROR_PAD'): OpDef {
  return {
    convert(ctx) {
      const x = ctx.input(0);
      const shape = shapeOf(x);
      const p = paddings(ctx, shape.length);
      const outShape = shape.map((d, i) => d + p[2 * i]! + p[2 * i + 1]!);
      const out = ctx.output(outShape, dtypeOf(x));
      const pv = ctx.int32('paddings', p, [shape.length, 2]);
      if (kind === 'PAD') {
        ctx.op('PAD', [x, pv], [out], 'PadOptions', {});
      } else if (kind === 'PADV2') {
        const c = ctx.constInput(2, 'constant_values');
        ctx.op('PADV2', [x, pv, ctx.constant('constant_values', c.dtype, [], c.data.slice(0, 1))], [out], 'PadV2Options', {});
      } else {
        const mode = attrString(ctx.node, 'mode', 'REFLECT').toUpperCase();
        if (mode !== 'REFLECT' && mode !== 'SYMMETRIC') throw new ImportFault(`MirrorPad mode ${mode} is not REFLECT or SYMMETRIC`);
        ctx.op('MIRROR_PAD', [x, pv], [out], 'MirrorPadOptions', { mode: mode === 'REFLECT' ? 0 : 1 });
      }
      return out;
    },
    fold: (ctx, [x, p, c]) => {
      const pairs = toPairs(Array.from(p!.dataSync()));
      if (kind === 'MIRROR_PAD') {
        return tf.mirrorPad(x!, pairs, attrString(ctx.node, 'mode', 'REFLECT').toLowerCase() as 'reflect' | 'symmetric');
      }
      return tf.pad(x!, pairs, kind === 'PADV2' ? c!.dataSync()[0] : 0);
    },
  };
}

function toPairs(flat: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

interface SliceMasks { begin: number; end: number; ellipsis: number; newAxis: number; shrink: number }

function masks(ctx: OpContext): SliceMasks {
  return {
    begin: attrInt(ctx.node, 'begin_mask', 0), end: attrInt(ctx.node, 'end_mask', 0),
    ellipsis: attrInt(ctx.node, 'ellipsis_mask', 0), newAxis: attrInt(ctx.node, 'new_axis_mask', 0),
    shrink: attrInt(ctx.node, 'shrink_axis_mask', 0),
  };
}

/**
 * StridedSlice with any masks: tfjs' own sliceInfo (TensorFlow's semantics) canonicalizes begin/end/strides
 * to one entry per input axis; TFLite then slices with no masks, except an end mask where a negative
 * stride runs past index 0, and a RESHAPE applies shrink/new axes.
 */
const stridedSlice: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const [begin, end, strides] = [1, 2, 3].map((i) => Array.from(ctx.constInput(i, ['begin', 'end', 'strides'][i - 1]!).data));
    const m = masks(ctx);
    const info = tf.slice_util.sliceInfo(shape, begin!, end!, strides!, m.begin, m.end, m.ellipsis, m.newAxis, m.shrink);
    let endMask = 0;
    const dense = info.begin.map((b, i) => {
      const s = info.strides[i]!;
      const e = info.end[i]!;
      if (s < 0 && e < 0) endMask |= 1 << i;
      return Math.max(0, Math.ceil((s > 0 ? e - b : b - e) / Math.abs(s)));
    });
    const exact = sameShape(dense, info.finalShape);
    const sliced = exact ? ctx.output(dense, dtypeOf(x)) : ctx.intermediate('dense_slice', dense, dtypeOf(x));
    ctx.op('STRIDED_SLICE', [x, ctx.int32('begin', info.begin), ctx.int32('end', info.end), ctx.int32('strides', info.strides)], [sliced],
      'StridedSliceOptions', { beginMask: 0, endMask, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: false });
    return exact ? sliced : reshapeTo(ctx, sliced, info.finalShape);
  },
  fold: (ctx, [x, begin, end, strides]) => {
    const m = masks(ctx);
    return tf.stridedSlice(x!, Array.from(begin!.dataSync()), Array.from(end!.dataSync()), Array.from(strides!.dataSync()),
      m.begin, m.end, m.ellipsis, m.newAxis, m.shrink);
  },
};

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const slice: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const begin = Array.from(ctx.constInput(1, 'begin').data);
    const size = Array.from(ctx.constInput(2, 'size').data).map((s, i) => (s === -1 ? shape[i]! - begin[i]! : s));
    const out = ctx.output(size, dtypeOf(x));
    ctx.op('SLICE', [x, ctx.int32('begin', begin), ctx.int32('size', size)], [out], 'SliceOptions', {});
    return out;
  },
  fold: (_ctx, [x, begin, size]) => tf.slice(x!, Array.from(begin!.dataSync()), Array.from(size!.dataSync())),
};

/** Shape, ShapeN, Size and Rank of a static shape are constants (the batch is fixed at import). */
const shapeQuery = (answer: (shape: number[]) => number[], scalar: boolean): OpDef => ({
  convert: (ctx) => ctx.inputs.map((v, k) => {
    const values = answer(shapeOf(v));
    return ctx.constant(k === 0 ? 'value' : `value_${k}`, 'int32', scalar ? [] : [values.length], Int32Array.from(values));
  }),
});

const TFLITE_TYPE: Record<ValueDType, number> = { float32: 0, int32: 2, bool: 6 };

const cast: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const to = attrDType(ctx.node, 'DstT');
    if (to === undefined) throw new ImportFault('cast to a type tfjs does not have');
    if (to === dtypeOf(x)) return x;
    const out = ctx.output(shapeOf(x), to);
    ctx.op('CAST', [x], [out], 'CastOptions', { inDataType: TFLITE_TYPE[dtypeOf(x)], outDataType: TFLITE_TYPE[to] });
    return out;
  },
  fold: (ctx, [x]) => tf.cast(x!, attrDType(ctx.node, 'DstT') ?? 'float32'),
};

/** Ops whose result depends only on the shape of their input, which is static here. */
const likeOp = (value: number): OpDef => ({
  convert: (ctx) => {
    const x = ctx.input(0);
    const n = elementCount(shapeOf(x));
    const data = dtypeOf(x) === 'float32' ? new Float32Array(n).fill(value) : dtypeOf(x) === 'int32' ? new Int32Array(n).fill(value) : new Uint8Array(n).fill(value);
    return ctx.constant('value', dtypeOf(x), shapeOf(x), data);
  },
});

const gather: OpDef = {
  convert(ctx) {
    const params = ctx.input(0);
    const indices = ctx.input(1);
    const shape = shapeOf(params);
    const axis = ctx.node.op === 'GatherV2' ? normalizeAxis(ctx.constInput(2, 'axis').data[0] as number, shape.length) : 0;
    if (attrInt(ctx.node, 'batch_dims', 0) !== 0) throw new ImportFault('batch_dims other than 0');
    const outShape = [...shape.slice(0, axis), ...shapeOf(indices), ...shape.slice(axis + 1)];
    const out = ctx.output(outShape, dtypeOf(params));
    ctx.op('GATHER', [params, indices], [out], 'GatherOptions', { axis, batchDims: 0 });
    return out;
  },
  fold: (ctx, [params, indices, axis]) => tf.gather(params!, indices!, axis ? axis.dataSync()[0] : 0),
};

const tile: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const reps = Array.from(ctx.constInput(1, 'multiples').data);
    const out = ctx.output(shapeOf(x).map((d, i) => d * reps[i]!), dtypeOf(x));
    ctx.op('TILE', [x, ctx.int32('multiples', reps)], [out], 'TileOptions', {});
    return out;
  },
  fold: (_ctx, [x, reps]) => tf.tile(x!, Array.from(reps!.dataSync())),
};

/** Only ever computed at import: their inputs must be constants (Range's length depends on them). */
const foldOnly = (fold: NonNullable<OpDef['fold']>): OpDef => ({
  convert: () => { throw new ImportFault('needs constant inputs (it is only supported when it folds at import)'); },
  fold,
});

export const SHAPE_OPS: OpTable = {
  Reshape: reshape,
  Squeeze: squeeze,
  ExpandDims: expandDims,
  Transpose: transpose,
  ConcatV2: concat(false),
  Concat: concat(true),
  Pack: pack,
  Unpack: unpack,
  Pad: padOp('PAD'),
  PadV2: padOp('PADV2'),
  MirrorPad: padOp('MIRROR_PAD'),
  StridedSlice: stridedSlice,
  Slice: slice,
  GatherV2: gather,
  Gather: gather,
  Tile: tile,
  Cast: cast,
  Shape: shapeQuery((s) => s, false),
  ShapeN: shapeQuery((s) => s, false),
  Size: shapeQuery((s) => [elementCount(s)], true),
  Rank: shapeQuery((s) => [s.length], true),
  ZerosLike: likeOp(0),
  OnesLike: likeOp(1),
  Fill: {
    // Constant dims with a run-time value (a constant value folds).
    convert(ctx) {
      const dims = Array.from(ctx.constInput(0, 'dims').data, Number);
      const value = ctx.input(1);
      const out = ctx.output(dims, dtypeOf(value));
      ctx.op('FILL', [ctx.int32('dims', dims), value], [out], 'FillOptions', {});
      return out;
    },
    fold: (_ctx, [dims, value]) => tf.fill(Array.from(dims!.dataSync()), value!.dataSync()[0] as number, value!.dtype),
  },
  Range: foldOnly((_ctx, [start, limit, delta]) =>
    tf.range(start!.dataSync()[0] as number, limit!.dataSync()[0] as number, delta!.dataSync()[0] as number, start!.dtype as 'float32' | 'int32')),
};
