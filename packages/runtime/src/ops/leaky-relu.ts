import * as tf from '@tensorflow/tfjs-core';
import { need, num } from './common.js';
import type { OpModule } from './types.js';

const leakyRelu: OpModule = {
  opcode: 'LEAKY_RELU',
  kernels: ['LeakyRelu'],
  run: (_ctx, inputs, op) => [tf.leakyRelu(need(inputs, 0, op), num(op, 'alpha', 0))],
};
export default leakyRelu;
