import * as tf from '@tensorflow/tfjs-core';
import { need, num } from './common.js';
import type { OpModule } from './types.js';

/** x / (bias + alpha * sum of squares over 2 * radius + 1 channels) ^ beta, NHWC. */
const lrn: OpModule = {
  opcode: 'LOCAL_RESPONSE_NORMALIZATION',
  kernels: ['LRN'],
  run: (_ctx, inputs, op) => [tf.localResponseNormalization(need(inputs, 0, op) as tf.Tensor4D,
    num(op, 'radius', 5), num(op, 'bias', 1), num(op, 'alpha', 1), num(op, 'beta', 0.5))],
};
export default lrn;
