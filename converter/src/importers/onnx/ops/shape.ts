import * as tf from '@tensorflow/tfjs';
import { ImportFault, identity, invert, normalizeAxis, permOf, permute, sameMemoryOrder, sizeOf, type OnnxContext, type OnnxValue, type TensorValue } from '../context.js';
import type { ConstTensor, ValueDType } from '../../graph-ops/types.js';
import { ONNX_DTYPE, ONNX_DTYPE_NAMES } from '../schema.js';
import { alignOperands, dtypeOf, shapeOf } from './broadcast.js';
import type { OnnxOpDef, OnnxOpTable } from './table.js';

// Shape and data-movement ops. On constants they fold (Shape subgraphs); on run-time tensors they map onto the
// tensor as stored, so an NHWC-stored activation stays NHWC where the op allows it.

function ints(c: ConstTensor): number[] {
  return Array.from(c.data, Number);
}

/** A RESHAPE to an ONNX shape; the tensor is taken in ONNX order unless its storage has the same memory order. */
export function reshapeTo(ctx: OnnxContext, x: TensorValue, shape: number[]): TensorValue {
  if (sizeOf(shape) !== sizeOf(x.shape)) throw new ImportFault(`cannot reshape [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
  const source = sameMemoryOrder(x.shape, permOf(x)) ? x : ctx.logical(x);
  const out = ctx.output(shape, x.dtype);
  ctx.op('RESHAPE', [ctx.physical(source), ctx.int32('shape', shape)], [out], 'ReshapeOptions', { newShape: shape });
  return out;
}

/** Reshape's target: 0 copies the input dimension (unless allowzero), -1 takes what is left. */
function reshapeTarget(ctx: OnnxContext, input: number[], spec: number[]): number[] {
  const allowZero = ctx.int('allowzero', 0) === 1;
  const shape = spec.map((d, i) => (d === 0 && !allowZero ? input[i]! : d));
  const unknown = shape.indexOf(-1);
  if (unknown >= 0) {
    const known = shape.reduce((a, d, i) => (i === unknown ? a : a * d), 1);
    shape[unknown] = known === 0 ? 0 : sizeOf(input) / known;
  }
  if (shape.some((d) => d < 0 || !Number.isInteger(d))) throw new ImportFault(`cannot reshape [${input.join(', ')}] to [${spec.join(', ')}]`);
  return shape;
}

function shapeOp(target: (ctx: OnnxContext, input: number[]) => number[]): OnnxOpDef {
  return {
    convert: (ctx) => reshapeTo(ctx, ctx.tensorInput(0), target(ctx, ctx.tensorInput(0).shape)),
    fold: (ctx, [x]) => tf.reshape(x!, target(ctx, x!.shape)),
  };
}

function axesArg(ctx: OnnxContext, since: number): number[] | undefined {
  if (ctx.opset >= since) {
    const v = ctx.optionalInput(1);
    return v === undefined ? undefined : ints(ctx.constInput(1, 'axes'));
  }
  return ctx.ints('axes');
}

const reshape = shapeOp((ctx, input) => reshapeTarget(ctx, input, ctx.opset >= 5 ? ints(ctx.constInput(1, 'the shape')) : ctx.ints('shape') ?? []));
const flatten = shapeOp((ctx, input) => {
  const axis = ctx.int('axis', 1);
  const a = axis < 0 ? axis + input.length : axis;
  return [sizeOf(input.slice(0, a)), sizeOf(input.slice(a))];
});
const squeeze = shapeOp((ctx, input) => {
  const axes = axesArg(ctx, 13)?.map((a) => normalizeAxis(a, input.length));
  return input.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
});
const unsqueeze = shapeOp((ctx, input) => {
  const axes = axesArg(ctx, 13);
  if (!axes) throw new ImportFault('Unsqueeze needs axes');
  const rank = input.length + axes.length;
  const norm = axes.map((a) => normalizeAxis(a, rank));
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : input[k++]!);
  return out;
});

/** Transpose of a run-time tensor costs nothing: the same stored tensor, read in another ONNX order. */
const transpose: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const perm = ctx.ints('perm') ?? identity(x.shape.length).reverse();
    const inv = invert(perm);
    const stored = permOf(x).map((a) => inv[a]!);
    const shape = permute(x.shape, perm);
    return stored.every((p, i) => p === i) ? { ...x, shape, perm: undefined } : { ...x, shape, perm: stored };
  },
  fold: (ctx, [x]) => tf.transpose(x!, ctx.ints('perm') ?? undefined),
};

const concat: OnnxOpDef = {
  convert(ctx) {
    const values = ctx.inputs.filter((v): v is OnnxValue => v !== undefined);
    const rank = shapeOf(values[0]!).length;
    const axis = normalizeAxis(ctx.int('axis', 0), rank);
    const lead = values.find((v): v is TensorValue => v.kind === 'tensor');
    const perm = lead ? permOf(lead) : identity(rank);
    const shape = shapeOf(values[0]!).slice();
    shape[axis] = values.reduce((a, v) => a + shapeOf(v)[axis]!, 0);
    const out = ctx.output(shape, dtypeOf(lead ?? values[0]!), perm);
    const stored = values.map((v) => (v.kind === 'tensor' ? ctx.physical(ctx.toPerm(v, perm)) : ctx.physical(v, perm)));
    ctx.op('CONCATENATION', stored, [out], 'ConcatenationOptions', { axis: invert(perm)[axis], fusedActivationFunction: 0 });
    return out;
  },
  fold: (ctx, xs) => tf.concat(xs.filter((x): x is tf.Tensor => x !== undefined), ctx.int('axis', 0) < 0 ? ctx.int('axis', 0) + xs[0]!.rank : ctx.int('axis', 0)),
};

/** Begin/end/step per ONNX axis, clamped as ONNX and NumPy do. */
function sliceSpec(ctx: OnnxContext, shape: number[]): { begin: number[]; end: number[]; steps: number[]; out: number[] } {
  const rank = shape.length;
  let starts: number[]; let ends: number[]; let axes: number[] | undefined; let steps: number[] | undefined;
  if (ctx.opset >= 10) {
    starts = ints(ctx.constInput(1, 'starts'));
    ends = ints(ctx.constInput(2, 'ends'));
    axes = ctx.optionalInput(3) ? ints(ctx.constInput(3, 'axes')) : undefined;
    steps = ctx.optionalInput(4) ? ints(ctx.constInput(4, 'steps')) : undefined;
  } else {
    starts = ctx.ints('starts') ?? [];
    ends = ctx.ints('ends') ?? [];
    axes = ctx.ints('axes');
  }
  const begin = shape.map(() => 0);
  const end = shape.slice();
  const stride = shape.map(() => 1);
  (axes ?? starts.map((_v, i) => i)).forEach((a, i) => {
    const axis = normalizeAxis(a, rank);
    const dim = shape[axis]!;
    const step = steps?.[i] ?? 1;
    if (step === 0) throw new ImportFault('a slice step of 0');
    let s = starts[i]!; let e = ends[i]!;
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
    } else {
      s = Math.min(Math.max(s, -1), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
    }
    begin[axis] = s; end[axis] = e; stride[axis] = step;
  });
  const out = shape.map((_d, i) => Math.max(0, Math.ceil((end[i]! - begin[i]!) / stride[i]!)));
  return { begin, end, steps: stride, out };
}

const slice: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const spec = sliceSpec(ctx, x.shape);
    if (spec.out.some((d) => d === 0)) throw new ImportFault(`the slice is empty (shape [${spec.out.join(', ')}]); TFLite tensors here are not empty`);
    const perm = permOf(x);
    const out = ctx.output(spec.out, x.dtype, perm);
    // An end of -1 with a negative step means "through index 0": the end mask says so.
    let endMask = 0;
    perm.forEach((a, i) => { if (spec.end[a] === -1 && spec.steps[a]! < 0) endMask |= 1 << i; });
    ctx.op('STRIDED_SLICE', [x, ctx.int32('begin', permute(spec.begin, perm)), ctx.int32('end', permute(spec.end, perm).map((e) => (e < 0 ? 0 : e))), ctx.int32('strides', permute(spec.steps, perm))], [out],
      'StridedSliceOptions', { beginMask: 0, endMask, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: false });
    return out;
  },
  fold(ctx, [x]) {
    const spec = sliceSpec(ctx, x!.shape);
    let endMask = 0;
    spec.end.forEach((e, i) => { if (e === -1 && spec.steps[i]! < 0) endMask |= 1 << i; });
    return tf.stridedSlice(x!, spec.begin, spec.end.map((e) => (e < 0 ? 0 : e)), spec.steps, 0, endMask);
  },
};

const gather: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const indices = ctx.constInput(1, 'the indices');
    const axis = normalizeAxis(ctx.int('axis', 0), x.shape.length);
    const dim = x.shape[axis]!;
    const idx = Int32Array.from(indices.data, (i) => (i < 0 ? i + dim : i));
    const indexValue = ctx.constant('indices', 'int32', indices.shape, idx);
    // Scalar or 1-D indices keep the storage order (a scalar removes the axis); others work in ONNX order.
    const source = indices.shape.length <= 1 ? x : ctx.logical(x);
    const perm = permOf(source);
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const kept = perm.filter((a) => a !== axis || indices.shape.length === 1);
    const outPerm = indices.shape.length === 0 ? kept.map((a) => kept.slice().sort((p, q) => p - q).indexOf(a)) : perm;
    const out = ctx.output(shape, x.dtype, outPerm);
    ctx.op('GATHER', [source, ctx.physical(indexValue)], [out], 'GatherOptions', { axis: invert(perm)[axis], batchDims: 0 });
    return out;
  },
  fold(ctx, [x, i]) {
    const axis = ctx.int('axis', 0) < 0 ? ctx.int('axis', 0) + x!.rank : ctx.int('axis', 0);
    const dim = x!.shape[axis]!;
    return tf.gather(x!, tf.tensor(Array.from(i!.dataSync(), (v) => (v < 0 ? v + dim : v)), i!.shape, 'int32'), axis);
  },
};

function splitSizes(ctx: OnnxContext, dim: number): number[] {
  const input = ctx.opset >= 13 ? ctx.optionalInput(1) : undefined;
  if (input !== undefined) return ints(ctx.constInput(1, 'split'));
  const attr = ctx.ints('split');
  if (attr) return attr;
  const parts = ctx.opset >= 18 ? ctx.int('num_outputs', ctx.node.outputs.length) : ctx.node.outputs.length;
  const size = Math.ceil(dim / parts);
  return Array.from({ length: parts }, (_v, k) => Math.min(size, dim - k * size));
}

const split: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const axis = normalizeAxis(ctx.int('axis', 0), x.shape.length);
    const sizes = splitSizes(ctx, x.shape[axis]!);
    const perm = permOf(x);
    const outs = sizes.map((s, k) => ctx.output(x.shape.map((d, i) => (i === axis ? s : d)), x.dtype, perm, k));
    ctx.op('SPLIT_V', [x, ctx.int32('sizes', sizes), ctx.int32('axis', [invert(perm)[axis]!], [])], outs, 'SplitVOptions', { numSplits: sizes.length });
    return outs;
  },
  fold(ctx, [x]) {
    const axis = ctx.int('axis', 0) < 0 ? ctx.int('axis', 0) + x!.rank : ctx.int('axis', 0);
    return tf.split(x!, splitSizes(ctx, x!.shape[axis]!), axis);
  },
};

const pad: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const rank = x.shape.length;
    let pads = ctx.opset >= 11 ? ints(ctx.constInput(1, 'pads')) : ctx.ints('pads') ?? [];
    const axesInput = ctx.opset >= 18 ? ctx.optionalInput(3) : undefined;
    if (axesInput !== undefined) {
      const axes = ints(ctx.constInput(3, 'axes')).map((a) => normalizeAxis(a, rank));
      const full = new Array<number>(2 * rank).fill(0);
      axes.forEach((a, i) => { full[a] = pads[i]!; full[a + rank] = pads[i + axes.length]!; });
      pads = full;
    }
    if (pads.some((p) => p < 0)) throw new ImportFault('negative pads (cropping)');
    const value = ctx.opset >= 11 ? (ctx.optionalInput(2) ? ctx.constInput(2, 'constant_value').data[0] ?? 0 : 0) : ctx.float('value', 0);
    const mode = ctx.string('mode', 'constant');
    const perm = permOf(x);
    const paddings = perm.flatMap((a) => [pads[a]!, pads[a + rank]!]);
    const shape = x.shape.map((d, i) => d + pads[i]! + pads[i + rank]!);
    const out = ctx.output(shape, x.dtype, perm);
    const pv = ctx.int32('paddings', paddings, [rank, 2]);
    if (mode === 'reflect') ctx.op('MIRROR_PAD', [x, pv], [out], 'MirrorPadOptions', { mode: 0 });
    else if (mode !== 'constant') throw new ImportFault(`mode '${mode}' (constant and reflect are supported)`);
    else if (value === 0) ctx.op('PAD', [x, pv], [out], 'PadOptions', {});
    else ctx.op('PADV2', [x, pv, ctx.physical(ctx.constant('value', x.dtype, [], x.dtype === 'float32' ? Float32Array.of(value) : Int32Array.of(value)))], [out], 'PadV2Options', {});
    return out;
  },
};

const VALUE_DTYPE: Record<number, ValueDType> = {
  [ONNX_DTYPE.FLOAT]: 'float32', [ONNX_DTYPE.DOUBLE]: 'float32', [ONNX_DTYPE.FLOAT16]: 'float32',
  [ONNX_DTYPE.INT64]: 'int32', [ONNX_DTYPE.INT32]: 'int32', [ONNX_DTYPE.INT8]: 'int32', [ONNX_DTYPE.UINT8]: 'int32',
  [ONNX_DTYPE.INT16]: 'int32', [ONNX_DTYPE.BOOL]: 'bool',
};
const TFLITE_TYPE: Record<ValueDType, number> = { float32: 0, int32: 2, bool: 6 };

function castTarget(ctx: OnnxContext): ValueDType {
  const to = ctx.int('to', ONNX_DTYPE.FLOAT);
  const dtype = VALUE_DTYPE[to];
  if (!dtype) throw new ImportFault(`Cast to ${ONNX_DTYPE_NAMES[to] ?? to}`);
  return dtype;
}

const cast: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const to = castTarget(ctx);
    if (to === x.dtype) return x;
    const out = ctx.output(x.shape, to, permOf(x));
    ctx.op('CAST', [x], [out], 'CastOptions', { inDataType: TFLITE_TYPE[x.dtype], outDataType: TFLITE_TYPE[to] });
    return out;
  },
  fold: (ctx, [x]) => {
    const to = castTarget(ctx);
    // float -> int truncates toward zero, as ONNX does.
    return to === 'int32' && x!.dtype === 'float32' ? tf.cast(tf.sign(x!).mul(tf.floor(tf.abs(x!))), 'int32') : tf.cast(x!, to);
  },
};

const shapeOfOp: OnnxOpDef = {
  convert(ctx) {
    const shape = shapeOf(ctx.input(0));
    const rank = shape.length;
    const clampAxis = (a: number): number => Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
    const start = clampAxis(ctx.int('start', 0));
    const end = ctx.attr('end') ? clampAxis(ctx.int('end', rank)) : rank;
    const dims = shape.slice(start, end);
    return { kind: 'const', c: { name: ctx.node.outputs[0]!, dtype: 'int32', shape: [dims.length], data: Int32Array.from(dims) } };
  },
};

const constant: OnnxOpDef = {
  convert(ctx) {
    const name = ctx.node.outputs[0]!;
    const a = ctx.attr('value') ?? ctx.attr('value_float') ?? ctx.attr('value_floats') ?? ctx.attr('value_int') ?? ctx.attr('value_ints');
    if (a?.kind === 'tensor') return { kind: 'const', c: { ...a.value, name } };
    if (a?.kind === 'float') return { kind: 'const', c: { name, dtype: 'float32', shape: [], data: Float32Array.of(a.value) } };
    if (a?.kind === 'floats') return { kind: 'const', c: { name, dtype: 'float32', shape: [a.value.length], data: Float32Array.from(a.value) } };
    if (a?.kind === 'int') return { kind: 'const', c: { name, dtype: 'int32', shape: [], data: Int32Array.of(a.value) } };
    if (a?.kind === 'ints') return { kind: 'const', c: { name, dtype: 'int32', shape: [a.value.length], data: Int32Array.from(a.value) } };
    throw new ImportFault('a Constant without a value, value_float(s) or value_int(s) attribute (sparse and string constants are not supported)');
  },
};

const constantOfShape: OnnxOpDef = {
  convert(ctx) {
    const shape = ints(ctx.constInput(0, 'the shape'));
    const a = ctx.attr('value');
    const value = a?.kind === 'tensor' ? a.value : { name: '', dtype: 'float32' as const, shape: [1], data: Float32Array.of(0) };
    const n = sizeOf(shape);
    const data = new (value.data.constructor as new (n: number) => Float32Array | Int32Array | Uint8Array)(n).fill(value.data[0] ?? 0);
    return { kind: 'const', c: { name: ctx.node.outputs[0]!, dtype: value.dtype, shape, data } };
  },
};

const range: OnnxOpDef = {
  convert() {
    throw new ImportFault('Range over run-time values');
  },
  fold: (_ctx, [start, limit, delta]) => tf.range(start!.dataSync()[0]!, limit!.dataSync()[0]!, delta!.dataSync()[0]!, start!.dtype === 'int32' ? 'int32' : 'float32'),
};

const where: OnnxOpDef = {
  convert(ctx) {
    const [c, a, b] = [ctx.input(0), ctx.input(1), ctx.input(2)];
    if (dtypeOf(c) !== 'bool' || dtypeOf(a) !== dtypeOf(b)) throw new ImportFault('Where needs a bool condition and two values of one type');
    const { values, shape, perm } = alignOperands(ctx, [c, a, b]);
    const out = ctx.output(shape, dtypeOf(a), perm);
    ctx.op('SELECT_V2', values, [out]);
    return out;
  },
  fold: (_ctx, [c, a, b]) => tf.where(tf.cast(c!, 'bool'), a!, b!),
};

const expand: OnnxOpDef = {
  convert(ctx) {
    const x = ctx.tensorInput(0);
    const target = ints(ctx.constInput(1, 'the shape'));
    const rank = Math.max(target.length, x.shape.length);
    const shape = Array.from({ length: rank }, (_v, i) => {
      const a = x.shape[x.shape.length - rank + i] ?? 1;
      const b = target[target.length - rank + i] ?? 1;
      return a === 1 ? b : a;
    });
    const out = ctx.output(shape, x.dtype);
    ctx.op('BROADCAST_TO', [ctx.logical(x), ctx.int32('shape', shape)], [out]);
    return out;
  },
  fold: (_ctx, [x, s]) => {
    const target = Array.from(s!.dataSync());
    const rank = Math.max(target.length, x!.rank);
    const shape = Array.from({ length: rank }, (_v, i) => Math.max(x!.shape[x!.rank - rank + i] ?? 1, target[target.length - rank + i] ?? 1));
    return tf.broadcastTo(x!, shape);
  },
};

export const SHAPE_OPS: OnnxOpTable = {
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Concat: concat,
  Slice: slice,
  Gather: gather,
  Split: split,
  Pad: pad,
  Cast: cast,
  Shape: shapeOfOp,
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Range: range,
  Where: where,
  Expand: expand,
};
