import type { DType } from '../../dtypes.js';
import type { OpCheck } from '../check.js';
import type { RuleTable } from './types.js';

const NUMERIC: DType[] = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'];

/** The axes input of a reduction, normalised; undefined when it is not constant. */
function axes(c: OpCheck, position: number, rank: number): number[] | undefined {
  const t = c.in(position);
  c.dtype(t, ['int32', 'int64'], 'axes');
  return c.ints(t)?.map((a) => c.axis(a, rank, 'reduction axis'));
}

/** MEAN, SUM, REDUCE_MAX/MIN/PROD/ANY/ALL: input, axes; keepDims keeps reduced axes as 1. */
function reduction(types: readonly DType[]) {
  return (c: OpCheck): void => {
    c.inputs(2);
    c.outputs(1);
    const [x, y] = [c.in(0), c.out(0)];
    c.dtype(x, types, 'input');
    c.sameDtype(x, y, 'input and output');
    const keep = c.option('keepDims', false);
    const reduced = axes(c, 1, x.shape.length);
    if (!reduced) return;
    const out = keep ? x.shape.map((d, k) => (reduced.includes(k) ? 1 : d)) : x.shape.filter((_, k) => !reduced.includes(k));
    c.shape(y, out, 'output');
  };
}

function argReduce(c: OpCheck): void {
  c.inputs(2);
  c.outputs(1);
  const [x, y] = [c.in(0), c.out(0)];
  c.dtype(x, [...NUMERIC, 'bool'], 'input');
  c.dtype(y, ['int32', 'int64'], 'output');
  const axis = axes(c, 1, x.shape.length);
  if (!axis) return;
  if (axis.length !== 1) c.fail('inputs.axis', `one axis expected, got ${axis.length}`, { axes: axis });
  c.shape(y, x.shape.filter((_, k) => k !== axis[0]), 'output');
}

export const REDUCE_RULES: RuleTable = {
  MEAN: reduction(NUMERIC),
  SUM: reduction(NUMERIC),
  REDUCE_MAX: reduction(NUMERIC),
  REDUCE_MIN: reduction(NUMERIC),
  REDUCE_PROD: reduction(NUMERIC),
  REDUCE_ANY: reduction(['bool']),
  REDUCE_ALL: reduction(['bool']),
  ARG_MAX: argReduce,
  ARG_MIN: argReduce,
  CUMSUM: (c) => {
    c.inputs(2);
    c.outputs(1);
    const [x, y] = [c.in(0), c.out(0)];
    c.dtype(x, ['float32', 'int32', 'int64'], 'input');
    c.sameDtype(x, y, 'input and output');
    axes(c, 1, x.shape.length);
    c.shape(y, x.shape, 'output');
  },
  TOPK_V2: (c) => {
    c.inputs(2);
    c.outputs(2);
    const [x, kT, values, indices] = [c.in(0), c.in(1), c.out(0), c.out(1)];
    c.dtype(x, NUMERIC, 'input');
    c.dtype(kT, ['int32', 'int16'], 'k');
    c.sameDtype(x, values, 'input and values');
    c.dtype(indices, ['int32', 'int16'], 'indices');
    if (x.shape.length === 0) c.fail('shape.rank', 'top-k needs rank >= 1', { input: x.shape });
    const k = c.ints(kT)?.[0];
    if (k === undefined) return;
    const last = x.shape.at(-1)!;
    if (k < 0 || k > last) c.fail('inputs.k', `k ${k} is outside 0..${last} (the last dimension)`, { k, last });
    const out = [...x.shape.slice(0, -1), k];
    c.shape(values, out, 'values');
    c.shape(indices, out, 'indices');
  },
  NON_MAX_SUPPRESSION_V4: nms(5, 2),
  NON_MAX_SUPPRESSION_V5: nms(6, 3),
};

/** NMS: boxes [n, 4], scores [n], then scalar max outputs / thresholds; outputs selected indices (+ scores) + count. */
function nms(inputs: number, outputs: number) {
  return (c: OpCheck): void => {
    c.inputs(inputs);
    c.outputs(outputs);
    const [boxes, scores, maxOut] = [c.in(0), c.in(1), c.in(2)];
    c.dtype(boxes, ['float32'], 'boxes');
    c.dtype(scores, ['float32'], 'scores');
    c.dtype(maxOut, ['int32'], 'max output size');
    c.rank(boxes, 2, 'boxes');
    if (boxes.shape[1] !== 4 || scores.shape.length !== 1 || scores.shape[0] !== boxes.shape[0]) {
      c.fail('shape.nms', `boxes [${boxes.shape.join(', ')}] must be [n, 4] and scores [${scores.shape.join(', ')}] [n]`, { boxes: boxes.shape, scores: scores.shape });
    }
    const max = c.ints(maxOut)?.[0];
    if (max !== undefined && max < 0) c.fail('inputs.max-output-size', `max output size ${max} is negative`, { max });
    c.dtype(c.out(0), ['int32'], 'selected indices');
    c.size(c.out(0).shape, 'selected indices');
  };
}
