import * as tf from '@tensorflow/tfjs-core';
import { bool, ints, need, num } from './common.js';
import type { OpModule } from './types.js';

/** begin/end/strides in inputs 1-3, TF's masks as options; `offset` makes end relative to begin. */
const stridedSlice: OpModule = {
  opcode: 'STRIDED_SLICE',
  kernels: ['StridedSlice'],
  run(ctx, inputs, op) {
    const begin = ints(ctx, inputs, 1);
    let end = ints(ctx, inputs, 2);
    const strides = inputs[3] || ctx.constant(3) ? ints(ctx, inputs, 3) : begin.map(() => 1);
    if (bool(op, 'offset')) end = end.map((e, i) => begin[i]! + e);
    return [
      tf.stridedSlice(
        need(inputs, 0, op),
        begin,
        end,
        strides,
        num(op, 'beginMask'),
        num(op, 'endMask'),
        num(op, 'ellipsisMask'),
        num(op, 'newAxisMask'),
        num(op, 'shrinkAxisMask'),
      ),
    ];
  },
};
export default stridedSlice;
