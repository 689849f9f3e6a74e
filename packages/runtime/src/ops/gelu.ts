import * as tf from '@tensorflow/tfjs-core';
import { bool, need } from './common.js';
import type { OpModule } from './types.js';

/**
 * Exact: 0.5·x·(1 + erf(x/√2)). Approximate (option `approximate`): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
const gelu: OpModule = {
  opcode: 'GELU',
  kernels: (ctx) => (bool(ctx.op, 'approximate') ? ['Multiply', 'Add', 'Tanh', 'Pow'] : ['Multiply', 'Add', 'Erf']),
  run(_ctx, inputs, op) {
    const x = need(inputs, 0, op);
    const inner = bool(op, 'approximate')
      ? tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))
      : tf.erf(tf.mul(x, Math.SQRT1_2));
    return [tf.mul(tf.mul(x, 0.5), tf.add(inner, 1))];
  },
};
export default gelu;
