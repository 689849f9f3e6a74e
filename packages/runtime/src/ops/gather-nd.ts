import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import type { OpModule } from './types.js';

const gatherNd: OpModule = {
  opcode: 'GATHER_ND',
  kernels: ['GatherNd'],
  run: (_ctx, inputs, op) => [tf.gatherND(need(inputs, 0, op), need(inputs, 1, op))],
};
export default gatherNd;
