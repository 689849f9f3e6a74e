import * as tf from '@tensorflow/tfjs-core';
import { axisOf, bool, ints, need } from './common.js';
import type { OpModule } from './types.js';

/** Running sum along input 1's axis (tfjs needs it non-negative), options exclusive and reverse. */
const cumsum: OpModule = {
  opcode: 'CUMSUM',
  kernels: ['Cumsum'],
  run(ctx, inputs, op) {
    const x = need(inputs, 0, op);
    return [tf.cumsum(x, axisOf(ints(ctx, inputs, 1)[0] ?? 0, x.rank), bool(op, 'exclusive'), bool(op, 'reverse'))];
  },
};
export default cumsum;
