import * as tf from '@tensorflow/tfjs';
import { attrBool, attrInt } from './attrs.js';
import { ImportFault, dtypeOf, normalizeAxis, shapeOf, type OpContext } from './context.js';
import type { OpDef, OpTable } from './table.js';

// Ops that find or address elements by index: GatherNd, ArgMax/ArgMin, TopKV2, OneHot, Cumsum, SparseToDense.

const TFLITE_INT32 = 2;

/** A constant scalar (or one-element) int input: an axis, a count. */
function constScalar(ctx: OpContext, i: number, what: string): number {
  const c = ctx.constInput(i, what);
  if (c.data.length !== 1) throw new ImportFault(`${what} (input ${i}) must be a single value`);
  return Number(c.data[0]);
}

function requireIntIndices(ctx: OpContext, i: number): void {
  if (dtypeOf(ctx.input(i)) !== 'int32') throw new ImportFault(`indices (input ${i}) must be integers, are ${dtypeOf(ctx.input(i))}`);
}

const gatherNd: OpDef = {
  convert(ctx) {
    const params = ctx.input(0);
    const indices = ctx.input(1);
    requireIntIndices(ctx, 1);
    const pShape = shapeOf(params);
    const iShape = shapeOf(indices);
    const depth = iShape[iShape.length - 1];
    if (depth === undefined || depth > pShape.length) throw new ImportFault(`indices of shape [${iShape.join(', ')}] cannot address [${pShape.join(', ')}]`);
    const out = ctx.output([...iShape.slice(0, -1), ...pShape.slice(depth)], dtypeOf(params));
    ctx.op('GATHER_ND', [params, indices], [out], 'GatherNdOptions', {});
    return out;
  },
  fold: (_ctx, [params, indices]) => tf.gatherND(params!, indices!),
};

function argReduce(opcode: 'ARG_MAX' | 'ARG_MIN'): OpDef {
  return {
    convert(ctx) {
      const x = ctx.input(0);
      const shape = shapeOf(x);
      const axis = normalizeAxis(constScalar(ctx, 1, 'dimension'), shape.length);
      const out = ctx.output(shape.filter((_d, k) => k !== axis), 'int32');
      ctx.op(opcode, [x, ctx.int32('axis', [axis])], [out], opcode === 'ARG_MAX' ? 'ArgMaxOptions' : 'ArgMinOptions', { outputType: TFLITE_INT32 });
      return out;
    },
    fold: (_ctx, [x, axis]) => (opcode === 'ARG_MAX' ? tf.argMax : tf.argMin)(x!, axis!.dataSync()[0]),
  };
}

/** TopKV2: TFLite always returns the k largest sorted, which is also a valid answer for sorted=false. */
const topK: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const k = constScalar(ctx, 1, 'k');
    const last = shape[shape.length - 1];
    if (last === undefined || k < 0 || k > last) throw new ImportFault(`k = ${k} for a last axis of ${last ?? 'nothing'}`);
    const outShape = [...shape.slice(0, -1), k];
    const values = ctx.output(outShape, dtypeOf(x), 0);
    const indices = ctx.output(outShape, 'int32', 1);
    ctx.op('TOPK_V2', [x, ctx.int32('k', [k], [])], [values, indices], 'TopKV2Options', {});
    return [values, indices];
  },
  fold: (ctx, [x, k]) => {
    const { values, indices } = tf.topk(x!, k!.dataSync()[0], attrBool(ctx.node, 'sorted', true));
    return [values, indices];
  },
};

const oneHot: OpDef = {
  convert(ctx) {
    const indices = ctx.input(0);
    requireIntIndices(ctx, 0);
    const depth = constScalar(ctx, 1, 'depth');
    const on = ctx.input(2);
    const off = ctx.input(3);
    const shape = shapeOf(indices);
    const axis = attrInt(ctx.node, 'axis', -1);
    const at = axis === -1 ? shape.length : normalizeAxis(axis, shape.length + 1);
    const outShape = shape.slice();
    outShape.splice(at, 0, depth);
    const out = ctx.output(outShape, dtypeOf(on));
    ctx.op('ONE_HOT', [indices, ctx.int32('depth', [depth], []), on, off], [out], 'OneHotOptions', { axis });
    return out;
  },
  fold: (ctx, [indices, depth, on, off]) => {
    const axis = attrInt(ctx.node, 'axis', -1);
    if (axis !== -1 && axis !== indices!.rank) throw new ImportFault('a constant OneHot along an inner axis');
    return tf.oneHot(indices!, depth!.dataSync()[0], on!.dataSync()[0], off!.dataSync()[0], on!.dtype);
  },
};

const cumsum: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    const axis = normalizeAxis(constScalar(ctx, 1, 'axis'), shape.length);
    const out = ctx.output(shape, dtypeOf(x));
    ctx.op('CUMSUM', [x, ctx.int32('axis', [axis], [])], [out], 'CumsumOptions', {
      exclusive: attrBool(ctx.node, 'exclusive', false), reverse: attrBool(ctx.node, 'reverse', false),
    });
    return out;
  },
  // tfjs' cumsum mishandles a negative axis: normalized first.
  fold: (ctx, [x, axis]) => tf.cumsum(x!, normalizeAxis(axis!.dataSync()[0]!, x!.rank), attrBool(ctx.node, 'exclusive', false), attrBool(ctx.node, 'reverse', false)),
};

/** SparseToDense(indices, output_shape, values, default_value): output_shape must be a constant. */
const sparseToDense: OpDef = {
  convert(ctx) {
    requireIntIndices(ctx, 0);
    const shape = Array.from(ctx.constInput(1, 'output_shape').data, Number);
    const values = ctx.input(2);
    const out = ctx.output(shape, dtypeOf(values));
    ctx.op('SPARSE_TO_DENSE', [ctx.input(0), ctx.int32('output_shape', shape), values, ctx.input(3)], [out], 'SparseToDenseOptions', {
      validateIndices: attrBool(ctx.node, 'validate_indices', true),
    });
    return out;
  },
  fold: (_ctx, [indices, shape, values, fallback]) =>
    tf.sparseToDense(indices!, values!, Array.from(shape!.dataSync()), fallback as tf.Scalar),
};

export const INDEXING_OPS: OpTable = {
  SparseToDense: sparseToDense,
  GatherNd: gatherNd,
  ArgMax: argReduce('ARG_MAX'),
  ArgMin: argReduce('ARG_MIN'),
  TopKV2: topK,
  OneHot: oneHot,
  Cumsum: cumsum,
};
