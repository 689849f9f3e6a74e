import * as tf from '@tensorflow/tfjs-core';
import { axisOf, need, num } from './common.js';
import type { OpModule } from './types.js';

const unpack: OpModule = {
  opcode: 'UNPACK',
  kernels: ['Unpack'],
  run(_ctx, inputs, op) {
    const x = need(inputs, 0, op);
    return tf.unstack(x, axisOf(num(op, 'axis', 0), x.rank));
  },
};
export default unpack;
