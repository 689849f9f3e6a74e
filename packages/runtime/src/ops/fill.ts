import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import type { OpModule } from './types.js';

/** FILL(dims, value): the scalar value broadcast to dims. */
const fill: OpModule = {
  opcode: 'FILL',
  kernels: ['Tile', 'Reshape'],
  run: (ctx, inputs, op) => {
    const dims = ints(ctx, inputs, 0);
    return [tf.broadcastTo(tf.reshape(need(inputs, 1, op), dims.map(() => 1)), dims)];
  },
};
export default fill;
