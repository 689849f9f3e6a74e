import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import type { OpModule } from './types.js';

/** max(0, x) + alpha * min(0, x), alpha broadcast against x. */
const prelu: OpModule = {
  opcode: 'PRELU',
  kernels: ['Prelu'],
  run: (_ctx, inputs, op) => [tf.prelu(need(inputs, 0, op), need(inputs, 1, op))],
};
export default prelu;
