import * as tf from '@tensorflow/tfjs-core';
import { need, num } from './common.js';
import type { OpModule } from './types.js';

/** softmax(beta * x) over the last axis. */
const softmax: OpModule = {
  opcode: 'SOFTMAX',
  kernels: (ctx) => (num(ctx.op, 'beta', 1) === 1 ? ['Softmax'] : ['Softmax', 'Multiply']),
  run(_ctx, inputs, op) {
    const beta = num(op, 'beta', 1);
    const x = need(inputs, 0, op);
    return [tf.softmax(beta === 1 ? x : tf.mul(x, beta))];
  },
};
export default softmax;
