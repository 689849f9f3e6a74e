import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import type { OpModule } from './types.js';

/** The k largest along the last axis, sorted, and their indices. */
const topkV2: OpModule = {
  opcode: 'TOPK_V2',
  kernels: ['TopK'],
  run(ctx, inputs, op) {
    const { values, indices } = tf.topk(need(inputs, 0, op), ints(ctx, inputs, 1)[0] ?? 1, true);
    return [values, indices];
  },
};
export default topkV2;
