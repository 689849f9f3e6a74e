import * as tf from '@tensorflow/tfjs-core';
import { ints, need } from './common.js';
import type { OpModule } from './types.js';

const broadcastTo: OpModule = {
  opcode: 'BROADCAST_TO',
  kernels: ['Tile', 'Reshape'],
  run: (ctx, inputs, op) => [tf.broadcastTo(need(inputs, 0, op), ints(ctx, inputs, 1))],
};
export default broadcastTo;
