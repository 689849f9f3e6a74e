import * as tf from '@tensorflow/tfjs-core';
import { axisOf, need, num } from './common.js';
import type { OpModule } from './types.js';

const gather: OpModule = {
  opcode: 'GATHER',
  kernels: ['GatherV2'],
  run(_ctx, inputs, op) {
    const x = need(inputs, 0, op);
    const indices = need(inputs, 1, op);
    const batchDims = num(op, 'batchDims', 0);
    return [tf.gather(x, indices, axisOf(num(op, 'axis', 0), x.rank), axisOf(batchDims, indices.rank))];
  },
};
export default gather;
