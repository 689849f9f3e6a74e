import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import type { OpModule } from './types.js';

/** SELECT: a condition of x's shape, or a vector choosing whole rows along the first axis. */
const select: OpModule = {
  opcode: 'SELECT',
  kernels: ['Select', 'Reshape', 'Tile'],
  run(_ctx, inputs, op) {
    const cond = need(inputs, 0, op);
    const a = need(inputs, 1, op);
    const rows = cond.rank === 1 && a.rank > 1 ? tf.reshape(cond, [cond.shape[0]!, ...a.shape.slice(1).map(() => 1)]) : cond;
    return [tf.where(rows, a, need(inputs, 2, op))];
  },
};
export default select;
