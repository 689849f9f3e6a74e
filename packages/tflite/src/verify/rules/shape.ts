import type { DType } from '../../dtypes.js';
import { elementCount, type Tensor } from '../../graph.js';
import { broadcastShapes, type OpCheck } from '../check.js';
import { checkSameQuantization } from '../quantization.js';
import type { RuleTable } from './types.js';

const INDEX: DType[] = ['int32', 'int64'];

/** Input 0 to output 0 keeps dtype (and quantization, for ops that only move values). */
function moves(c: OpCheck, x: Tensor, y: Tensor): void {
  c.sameDtype(x, y, 'input and output');
  checkSameQuantization(c, x, y);
}

/** An integer operand that must be constant for the output shape to be known; undefined when it is not. */
function constInts(c: OpCheck, t: Tensor | undefined, what: string): number[] | undefined {
  if (!t) return undefined;
  c.dtype(t, ['int32', 'int64'], what);
  return c.ints(t);
}

const reshape = (c: OpCheck): void => {
  c.inputs(1, 2);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  const shapeInput = c.optIn(1);
  let target = shapeInput ? constInts(c, shapeInput, 'shape') : undefined;
  if (shapeInput && !target) {
    // A computed shape: only the declared output can be compared.
    target = y.shape;
  }
  target ??= c.option<number[] | undefined>('newShape', undefined) ?? y.shape;
  const total = elementCount(x.shape);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1 || target.some((d) => d < -1)) c.fail('shape.reshape', `new shape [${target.join(', ')}] has more than one -1 or a negative size`, { shape: target });
  const known = target.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const resolved = unknown === 1 ? (known === 0 ? -1 : total / known) : undefined;
  if ((unknown === 0 && known !== total) || (resolved !== undefined && !Number.isInteger(resolved))) {
    c.fail('shape.reshape', `input [${x.shape.join(', ')}] (${total} elements) cannot be reshaped to [${target.join(', ')}]`, { input: x.shape, shape: target });
  }
  // A scalar target (shape []) from a shape tensor of [0] is legal; an empty new_shape option means "from input 1".
  if (target.length === 0 && total !== 1 && !shapeInput) return;
  c.shape(y, target.map((d) => (d === -1 ? resolved! : d)), 'output');
};

const squeeze = (c: OpCheck): void => {
  c.inputs(1);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  const dims = c.option<number[]>('squeezeDims', []).map((d) => c.axis(d, x.shape.length, 'squeeze dimension'));
  dims.forEach((d) => x.shape[d] !== 1 && c.fail('options.squeezeDims', `dimension ${d} of [${x.shape.join(', ')}] is ${x.shape[d]}, not 1`, { dims, input: x.shape }));
  const keep = x.shape.filter((d, k) => (dims.length === 0 ? d !== 1 : !dims.includes(k)));
  c.shape(y, keep, 'output');
};

const expandDims = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  const axis = constInts(c, c.in(1), 'axis');
  if (!axis) return c.rank(y, x.shape.length + 1, 'output');
  if (axis.length !== 1) c.fail('inputs.axis', `axis must be one value, got ${axis.length}`, { axis });
  const a = c.axis(axis[0]!, x.shape.length + 1, 'axis');
  c.shape(y, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)], 'output');
};

const transpose = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  const perm = constInts(c, c.in(1), 'permutation');
  if (!perm) return c.rank(y, x.shape.length, 'output');
  const rank = x.shape.length;
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, k) => p !== k)) c.fail('inputs.permutation', `[${perm.join(', ')}] is not a permutation of the ${rank} axes`, { perm, rank });
  c.shape(y, perm.map((p) => x.shape[p]!), 'output');
};

function padRule(mode: 'pad' | 'padv2' | 'mirror') {
  return (c: OpCheck): void => {
    c.inputs(2, mode === 'padv2' ? 3 : 2);
    c.outputs(1);
    const [x, y] = [c.in(0), c.out(0)];
    moves(c, x, y);
    if (mode === 'padv2' && c.optIn(2)) c.sameDtype(x, c.in(2), 'input and constant value');
    // Without its options table an interpreter's MIRROR_PAD mode is "unknown" (zeroed params) and it returns
    // garbage (NaN in LiteRT; found by the semantic fuzz), so the mode must be written.
    if (mode === 'mirror' && c.op.options?.mode === undefined) c.fail('options.mode', 'MIRROR_PAD needs MirrorPadOptions with its mode (REFLECT 0 or SYMMETRIC 1)', {});
    const mirror = mode === 'mirror' ? c.intOption('mode', 0, 0, 1) : -1;
    const paddings = c.in(1);
    const values = constInts(c, paddings, 'paddings');
    if (paddings.shape.length !== 2 || paddings.shape[0] !== x.shape.length || paddings.shape[1] !== 2) {
      c.fail('shape.paddings', `paddings [${paddings.shape.join(', ')}] must be [${x.shape.length}, 2] for input [${x.shape.join(', ')}]`, { paddings: paddings.shape, input: x.shape });
    }
    if (!values) return c.rank(y, x.shape.length, 'output');
    const out = x.shape.map((d, k) => {
      const [before, after] = [values[2 * k]!, values[2 * k + 1]!];
      if (before < 0 || after < 0) c.fail('inputs.paddings', `padding (${before}, ${after}) of axis ${k} is negative`, { axis: k, before, after });
      // REFLECT (0) copies at most d - 1 values per side, SYMMETRIC (1) at most d.
      const most = mirror === 0 ? d - 1 : d;
      if (mirror >= 0 && (before > most || after > most)) c.fail('inputs.paddings', `mirror padding (${before}, ${after}) of axis ${k} exceeds ${most} for a dimension of ${d}`, { axis: k, before, after, dimension: d });
      return d + before + after;
    });
    c.shape(y, out, 'output');
  };
}

const slice = (c: OpCheck): void => {
  c.inputs(3);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  const begin = constInts(c, c.in(1), 'begin');
  const size = constInts(c, c.in(2), 'size');
  if (!begin || !size) return c.rank(y, x.shape.length, 'output');
  if (begin.length !== x.shape.length || size.length !== x.shape.length) c.fail('inputs.slice', `begin (${begin.length}) and size (${size.length}) need one value per input axis (${x.shape.length})`, { begin, size });
  const out = x.shape.map((d, k) => {
    const b = begin[k]!;
    const s = size[k] === -1 ? d - b : size[k]!;
    if (b < 0 || s < 0 || b + s > d) c.fail('inputs.slice', `axis ${k}: begin ${b}, size ${size[k]} do not fit a dimension of ${d}`, { axis: k, begin: b, size: size[k], dimension: d });
    return s;
  });
  c.shape(y, out, 'output');
};

const stridedSlice = (c: OpCheck): void => {
  c.inputs(3, 4);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  const masks = ['beginMask', 'endMask', 'ellipsisMask', 'newAxisMask', 'shrinkAxisMask'].map((m) => c.intOption(m, 0, 0));
  const [beginMask, endMask, ellipsisMask, newAxisMask, shrinkMask] = masks as [number, number, number, number, number];
  const begin = constInts(c, c.in(1), 'begin');
  const end = constInts(c, c.in(2), 'end');
  const strides = c.optIn(3) ? constInts(c, c.in(3), 'strides') : begin?.map(() => 1);
  if (strides?.some((s) => s === 0)) c.fail('inputs.strides', `strides [${strides.join(', ')}] contain 0`, { strides });
  if (!begin || !end || !strides || ellipsisMask !== 0 || newAxisMask !== 0 || c.option('offset', false)) return;
  const n = begin.length;
  if (end.length !== n || strides.length !== n || n > x.shape.length) c.fail('inputs.slice', `begin, end and strides need equal lengths up to the rank ${x.shape.length}`, { begin, end, strides });
  const out: number[] = [];
  x.shape.forEach((d, k) => {
    if (k >= n) return out.push(d);
    const s = strides[k]!;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const norm = (v: number) => (v < 0 ? v + d : v);
    if (shrinkMask & (1 << k)) {
      const index = norm(begin[k]!);
      if (index < 0 || index >= d) c.fail('inputs.slice', `axis ${k}: shrink index ${begin[k]} outside a dimension of ${d}`, { axis: k, begin: begin[k], dimension: d });
      return;
    }
    // TFLite's StartForAxis/StopForAxis: masked ends take the full range, others are clamped into it.
    const b = beginMask & (1 << k) ? (s > 0 ? 0 : d - 1) : s > 0 ? clamp(norm(begin[k]!), 0, d) : clamp(norm(begin[k]!), -1, d - 1);
    const e = endMask & (1 << k) ? (s > 0 ? d : -1) : s > 0 ? clamp(norm(end[k]!), 0, d) : clamp(norm(end[k]!), -1, d - 1);
    out.push(Math.max(0, s > 0 ? Math.ceil((e - b) / s) : Math.ceil((b - e) / -s)));
  });
  c.shape(y, out, 'output');
};

const concatenation = (c: OpCheck): void => {
  c.inputs(1, 1 << 16);
  c.outputs(1);
  c.activation();
  const first = c.in(0);
  const y = c.out(0);
  const axis = c.axis(c.intOption('axis', 0, -(1 << 16)), first.shape.length, 'axis');
  let total = 0;
  c.op.inputs.forEach((_, i) => {
    const t = c.in(i);
    c.sameDtype(first, t, `inputs 0 and ${i}`);
    if (t.shape.length !== first.shape.length || t.shape.some((d, k) => k !== axis && d !== first.shape[k])) {
      c.fail('shape.concat', `input ${i} [${t.shape.join(', ')}] differs from input 0 [${first.shape.join(', ')}] outside axis ${axis}`, { input: i, shape: t.shape, first: first.shape, axis });
    }
    total += t.shape[axis]!;
  });
  c.sameDtype(first, y, 'input and output');
  c.shape(y, first.shape.map((d, k) => (k === axis ? total : d)), 'output');
};

const pack = (c: OpCheck): void => {
  c.inputs(1, 1 << 16);
  c.outputs(1);
  const count = c.intOption('valuesCount', 0, 0);
  if (count !== c.op.inputs.length) c.fail('options.valuesCount', `valuesCount ${count} but ${c.op.inputs.length} inputs`, { valuesCount: count, inputs: c.op.inputs.length });
  const first = c.in(0);
  const axis = c.axis(c.intOption('axis', 0, -64, 64), first.shape.length + 1, 'axis');
  c.op.inputs.forEach((_, i) => {
    c.sameDtype(first, c.in(i), `inputs 0 and ${i}`);
    c.shape(c.in(i), first.shape, `input ${i}`);
  });
  c.sameDtype(first, c.out(0), 'input and output');
  c.shape(c.out(0), [...first.shape.slice(0, axis), count, ...first.shape.slice(axis)], 'output');
};

const unpack = (c: OpCheck): void => {
  c.inputs(1);
  const x = c.in(0);
  const axis = c.axis(c.intOption('axis', 0, -64, 64), x.shape.length, 'axis');
  const num = c.intOption('num', 0, 0);
  if (num !== x.shape[axis]) c.fail('options.num', `num ${num} differs from dimension ${axis} of [${x.shape.join(', ')}]`, { num, input: x.shape, axis });
  c.outputs(num);
  const piece = x.shape.filter((_, k) => k !== axis);
  c.op.outputs.forEach((_, i) => {
    moves(c, x, c.out(i));
    c.shape(c.out(i), piece, `output ${i}`);
  });
};

function splitRule(variable: boolean) {
  return (c: OpCheck): void => {
    c.inputs(variable ? 3 : 2);
    const [x, axisTensor] = variable ? [c.in(0), c.in(2)] : [c.in(1), c.in(0)];
    const count = c.intOption('numSplits', 0, 1, 1 << 16);
    c.outputs(count);
    const axisValue = constInts(c, axisTensor, 'axis');
    c.op.outputs.forEach((_, i) => moves(c, x, c.out(i)));
    if (!axisValue) return;
    const axis = c.axis(axisValue[0]!, x.shape.length, 'axis');
    const d = x.shape[axis]!;
    let sizes: number[] | undefined;
    if (variable) {
      sizes = constInts(c, c.in(1), 'size splits');
      if (!sizes) return;
      const unknown = sizes.filter((s) => s === -1).length;
      const known = sizes.reduce((a, s) => (s === -1 ? a : a + s), 0);
      if (sizes.length !== count || unknown > 1 || sizes.some((s) => s < -1) || (unknown === 0 ? known !== d : known > d)) {
        c.fail('inputs.size-splits', `size splits [${sizes.join(', ')}] do not divide dimension ${d} into ${count} parts`, { sizes, dimension: d });
      }
      sizes = sizes.map((s) => (s === -1 ? d - known : s));
    } else {
      if (d % count !== 0) c.fail('options.numSplits', `dimension ${axis} (${d}) does not split into ${count} equal parts`, { dimension: d, numSplits: count });
      sizes = new Array<number>(count).fill(d / count);
    }
    sizes.forEach((s, i) => c.shape(c.out(i), x.shape.map((v, k) => (k === axis ? s : v)), `output ${i}`));
  };
}

const tile = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  const multiples = constInts(c, c.in(1), 'multiples');
  if (!multiples) return c.rank(y, x.shape.length, 'output');
  if (multiples.length !== x.shape.length || multiples.some((m) => m < 0)) c.fail('inputs.multiples', `multiples [${multiples.join(', ')}] need one non-negative value per input axis`, { multiples, input: x.shape });
  c.shape(y, x.shape.map((d, k) => d * multiples[k]!), 'output');
};

const broadcastTo = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  const target = constInts(c, c.in(1), 'shape');
  if (!target) return c.size(y.shape, 'output');
  const shape = broadcastShapes(x.shape, target);
  if (!shape || shape.length !== target.length || shape.some((d, k) => d !== target[k])) c.fail('shape.broadcast', `input [${x.shape.join(', ')}] does not broadcast to [${target.join(', ')}]`, { input: x.shape, shape: target });
  c.shape(y, target, 'output');
};

const gather = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [x, indices, y] = [c.in(0), c.in(1), c.out(0)];
  c.dtype(indices, ['int32', 'int64', 'int16'], 'indices');
  moves(c, x, y);
  const axis = c.axis(c.intOption('axis', 0, -64, 64), x.shape.length, 'axis');
  const batchDims = c.intOption('batchDims', 0, -64, 64);
  const batch = batchDims < 0 ? batchDims + indices.shape.length : batchDims;
  if (batch < 0 || batch > axis || batch > indices.shape.length) c.fail('options.batchDims', `batchDims ${batchDims} must be in 0..min(axis ${axis}, indices rank ${indices.shape.length})`, { batchDims, axis });
  const values = c.ints(indices);
  const d = x.shape[axis]!;
  const bad = values?.findIndex((v) => v < 0 || v >= d) ?? -1;
  if (bad >= 0) c.fail('inputs.indices', `index ${values![bad]} (element ${bad}) is outside 0..${d - 1}`, { element: bad, index: values![bad], dimension: d });
  c.shape(y, [...x.shape.slice(0, axis), ...indices.shape.slice(batch), ...x.shape.slice(axis + 1)], 'output');
};

const gatherNd = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [x, indices, y] = [c.in(0), c.in(1), c.out(0)];
  c.dtype(indices, ['int32', 'int64', 'int16'], 'indices');
  moves(c, x, y);
  const depth = indices.shape.at(-1) ?? 0;
  if (indices.shape.length === 0 || depth > x.shape.length) c.fail('shape.indices', `indices [${indices.shape.join(', ')}] index ${depth} axes of a rank-${x.shape.length} input`, { indices: indices.shape, input: x.shape });
  const values = c.ints(indices);
  values?.forEach((v, i) => {
    const d = x.shape[i % depth]!;
    if (v < 0 || v >= d) c.fail('inputs.indices', `index ${v} (element ${i}) is outside 0..${d - 1}`, { element: i, index: v, dimension: d });
  });
  c.shape(y, [...indices.shape.slice(0, -1), ...x.shape.slice(depth)], 'output');
};

function blockRule(toSpace: boolean) {
  return (c: OpCheck): void => {
    c.inputs(1);
    c.outputs(1);
    const [x, y] = [c.in(0), c.out(0)];
    moves(c, x, y);
    c.rank(x, 4, 'input');
    const b = c.intOption('blockSize', 0, 1, 1 << 12);
    const [n, h, w, ch] = x.shape as [number, number, number, number];
    if (toSpace ? ch % (b * b) !== 0 : h % b !== 0 || w % b !== 0) {
      c.fail('shape.block', `input [${x.shape.join(', ')}] does not divide by block size ${b}`, { input: x.shape, blockSize: b });
    }
    c.shape(y, toSpace ? [n, h * b, w * b, ch / (b * b)] : [n, h / b, w / b, ch * b * b], 'output');
  };
}

const resize = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  moves(c, x, y);
  c.rank(x, 4, 'input');
  if (c.option('alignCorners', false) && c.option('halfPixelCenters', false)) c.fail('options.alignCorners', 'alignCorners and halfPixelCenters cannot both be set', {});
  const size = constInts(c, c.in(1), 'size');
  if (!size) return c.rank(y, 4, 'output');
  if (size.length !== 2 || size.some((s) => s < 1)) c.fail('inputs.size', `size [${size.join(', ')}] must be two positive values`, { size });
  c.shape(y, [x.shape[0]!, size[0]!, size[1]!, x.shape[3]!], 'output');
};

const fill = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const dims = constInts(c, c.in(0), 'dims');
  c.sameDtype(c.in(1), c.out(0), 'value and output');
  if (elementCount(c.in(1).shape) !== 1) c.fail('shape.value', `value '${c.in(1).name}' must be a scalar`, { shape: c.in(1).shape });
  if (!dims) return c.size(c.out(0).shape, 'output');
  if (dims.some((d) => d < 0)) c.fail('inputs.dims', `dims [${dims.join(', ')}] hold a negative size`, { dims });
  c.shape(c.out(0), dims, 'output');
};

const range = (c: OpCheck): void => {
  c.inputs(3);
  c.outputs(1);
  const [start, limit, delta, y] = [c.in(0), c.in(1), c.in(2), c.out(0)];
  c.dtype(start, ['int32', 'int64', 'float32'], 'start');
  c.sameDtype(start, limit, 'start and limit');
  c.sameDtype(start, delta, 'start and delta');
  c.sameDtype(start, y, 'start and output');
  const read = (t: Tensor) => c.ints(t)?.[0] ?? c.floats(t)?.[0];
  const [a, b, d] = [read(start), read(limit), read(delta)];
  if (d === 0) c.fail('inputs.delta', 'delta is 0: the range never ends', { delta: d });
  if (a === undefined || b === undefined || d === undefined) return c.size(y.shape, 'output');
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(d) || (b - a) / d < 0) c.fail('inputs.range', `start ${a}, limit ${b}, delta ${d} give no range`, { start: a, limit: b, delta: d });
  c.shape(y, [Math.ceil(Math.abs((b - a) / d))], 'output');
};

const oneHot = (c: OpCheck): void => {
  c.inputs(4);
  c.outputs(1);
  const [indices, depthT, on, off, y] = [c.in(0), c.in(1), c.in(2), c.in(3), c.out(0)];
  c.dtype(indices, ['int32', 'int64'], 'indices');
  c.dtype(depthT, ['int32'], 'depth');
  c.sameDtype(on, off, 'on and off values');
  c.sameDtype(on, y, 'on value and output');
  const axis = c.axis(c.intOption('axis', -1, -64, 64), indices.shape.length + 1, 'axis');
  const depth = c.ints(depthT)?.[0];
  if (depth === undefined) return c.size(y.shape, 'output');
  if (depth < 0) c.fail('inputs.depth', `depth ${depth} is negative`, { depth });
  c.shape(y, [...indices.shape.slice(0, axis), depth, ...indices.shape.slice(axis)], 'output');
};

const where = (c: OpCheck): void => {
  c.inputs(1);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  c.dtype(y, ['int64'], 'output');
  c.rank(y, 2, 'output');
  if (y.shape[1] !== x.shape.length && y.shapeSignature?.[1] !== -1) c.fail('shape.infer', `output [${y.shape.join(', ')}] needs ${x.shape.length} columns (the input's rank)`, { input: x.shape, output: y.shape });
};

const shapeOp = (c: OpCheck): void => {
  c.inputs(1);
  c.outputs(1);
  c.dtype(c.out(0), ['int32', 'int64'], 'output');
  c.shape(c.out(0), [c.in(0).shape.length], 'output');
};

const densify = (c: OpCheck): void => {
  c.inputs(1);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  c.sameDtype(x, y, 'input and output');
  if (x.sparsity == null || !x.data) c.fail('inputs.sparse', `input '${x.name}' must be a sparse constant`, { tensor: x.name });
  c.shape(y, x.shape, 'output');
};

/**
 * SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND (input, block_shape [M], paddings or crops [M, 2]): TFLite takes rank
 * 3 or 4 with M = rank - 2 spatial axes, and needs both operands constant to size the output.
 */
function spaceBatchRule(toBatch: boolean) {
  return (c: OpCheck): void => {
    c.inputs(3);
    c.outputs(1);
    const [x, y] = [c.in(0), c.out(0)];
    moves(c, x, y);
    c.dtype(x, ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'], 'input');
    c.rank(x, [3, 4], 'input');
    const spatial = x.shape.length - 2;
    const [blockT, padsT] = [c.in(1), c.in(2)];
    const what = toBatch ? 'paddings' : 'crops';
    if (blockT.shape.length !== 1 || blockT.shape[0] !== spatial || padsT.shape.length !== 2 || padsT.shape[0] !== spatial || padsT.shape[1] !== 2) {
      c.fail('shape.block', `block_shape [${blockT.shape.join(', ')}] and ${what} [${padsT.shape.join(', ')}] must be [${spatial}] and [${spatial}, 2] for input [${x.shape.join(', ')}]`, { input: x.shape, blockShape: blockT.shape, [what]: padsT.shape });
    }
    const block = constInts(c, blockT, 'block_shape');
    const pads = constInts(c, padsT, what);
    if (!block || !pads) c.fail('inputs.constant', `block_shape and ${what} must be constants: they decide the output shape`, {});
    if (block.some((b) => b < 1)) c.fail('inputs.block', `block_shape [${block.join(', ')}] holds a value below 1`, { blockShape: block });
    if (pads.some((p) => p < 0)) c.fail(`inputs.${what}`, `${what} [${pads.join(', ')}] hold a negative value`, { [what]: pads });
    const product = block.reduce((a, b) => a * b, 1);
    const out = x.shape.slice();
    if (toBatch) {
      out[0] = x.shape[0]! * product;
      block.forEach((b, k) => {
        const padded = x.shape[k + 1]! + pads[2 * k]! + pads[2 * k + 1]!;
        if (padded % b !== 0) c.fail('shape.block', `padded axis ${k + 1} (${padded}) does not divide by block ${b}`, { axis: k + 1, padded, block: b });
        out[k + 1] = padded / b;
      });
    } else {
      if (x.shape[0]! % product !== 0) c.fail('shape.block', `batch ${x.shape[0]} does not divide by the block product ${product}`, { batch: x.shape[0], product });
      out[0] = x.shape[0]! / product;
      block.forEach((b, k) => {
        const size = x.shape[k + 1]! * b - pads[2 * k]! - pads[2 * k + 1]!;
        if (size < 0) c.fail('inputs.crops', `crops (${pads[2 * k]}, ${pads[2 * k + 1]}) exceed axis ${k + 1} (${x.shape[k + 1]! * b})`, { axis: k + 1, crops: [pads[2 * k], pads[2 * k + 1]] });
        out[k + 1] = size;
      });
    }
    c.shape(y, out, 'output');
  };
}

/** REVERSE_V2(input, axis): TFLite's kernel reverses one axis, given as a one-element 1-D tensor. */
const reverseV2 = (c: OpCheck): void => {
  c.inputs(2);
  c.outputs(1);
  const [x, y, axisT] = [c.in(0), c.out(0), c.in(1)];
  moves(c, x, y);
  c.dtype(x, ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'], 'input');
  if (axisT.shape.length !== 1 || axisT.shape[0] !== 1) c.fail('shape.axis', `axis '${axisT.name}' is [${axisT.shape.join(', ')}]; TFLite reverses one axis, given as shape [1]`, { axis: axisT.shape });
  const axis = constInts(c, axisT, 'axis');
  if (axis) c.axis(axis[0]!, x.shape.length, 'axis');
  c.shape(y, x.shape, 'output');
};

/** SPARSE_TO_DENSE(indices [N, R] or [N] or scalar, output_shape [R], values [N] or scalar, default_value scalar). */
const sparseToDense = (c: OpCheck): void => {
  c.inputs(4);
  c.outputs(1);
  const [indices, shapeT, values, fallback, y] = [c.in(0), c.in(1), c.in(2), c.in(3), c.out(0)];
  c.dtype(indices, INDEX, 'indices');
  c.dtype(values, ['float32', 'int32', 'int64', 'int8', 'uint8'], 'values');
  c.sameDtype(values, fallback, 'values and default value');
  c.sameDtype(values, y, 'values and output');
  c.rank(indices, [0, 1, 2], 'indices');
  c.rank(values, [0, 1], 'values');
  c.rank(shapeT, 1, 'output_shape');
  if (elementCount(fallback.shape) !== 1) c.fail('shape.value', `default value '${fallback.name}' must be a scalar`, { shape: fallback.shape });
  const count = indices.shape.length === 0 ? 1 : indices.shape[0]!;
  if (values.shape.length === 1 && values.shape[0] !== count) c.fail('shape.values', `values [${values.shape.join(', ')}] need one value per index (${count})`, { values: values.shape, indices: indices.shape });
  const dims = constInts(c, shapeT, 'output_shape');
  if (!dims) return c.size(y.shape, 'output');
  if (dims.some((d) => d < 0)) c.fail('inputs.output_shape', `output_shape [${dims.join(', ')}] holds a negative size`, { shape: dims });
  const depth = indices.shape.length === 2 ? indices.shape[1]! : 1;
  if (depth !== dims.length) c.fail('shape.indices', `indices [${indices.shape.join(', ')}] index ${depth} axes of a rank-${dims.length} output`, { indices: indices.shape, shape: dims });
  // Out-of-range constant indices would write outside the output buffer.
  c.ints(indices)?.forEach((v, i) => {
    const d = dims[i % depth]!;
    if (v < 0 || v >= d) c.fail('inputs.indices', `index ${v} (element ${i}) is outside 0..${d - 1}`, { element: i, index: v, dimension: d });
  });
  c.shape(y, dims, 'output');
};

export const SHAPE_RULES: RuleTable = {
  RESHAPE: reshape,
  SQUEEZE: squeeze,
  EXPAND_DIMS: expandDims,
  TRANSPOSE: transpose,
  PAD: padRule('pad'),
  PADV2: padRule('padv2'),
  MIRROR_PAD: padRule('mirror'),
  SLICE: slice,
  STRIDED_SLICE: stridedSlice,
  CONCATENATION: concatenation,
  PACK: pack,
  UNPACK: unpack,
  SPLIT: splitRule(false),
  SPLIT_V: splitRule(true),
  TILE: tile,
  BROADCAST_TO: broadcastTo,
  GATHER: gather,
  GATHER_ND: gatherNd,
  DEPTH_TO_SPACE: blockRule(true),
  SPACE_TO_DEPTH: blockRule(false),
  RESIZE_BILINEAR: resize,
  RESIZE_NEAREST_NEIGHBOR: resize,
  FILL: fill,
  RANGE: range,
  ONE_HOT: oneHot,
  WHERE: where,
  SHAPE: shapeOp,
  DENSIFY: densify,
  SPACE_TO_BATCH_ND: spaceBatchRule(true),
  BATCH_TO_SPACE_ND: spaceBatchRule(false),
  REVERSE_V2: reverseV2,
  SPARSE_TO_DENSE: sparseToDense,
};


