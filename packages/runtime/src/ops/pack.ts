import * as tf from '@tensorflow/tfjs-core';
import { axisOf, need, num } from './common.js';
import type { OpModule } from './types.js';

const pack: OpModule = {
  opcode: 'PACK',
  kernels: ['Pack'],
  run(_ctx, inputs, op) {
    const xs = inputs.map((_, i) => need(inputs, i, op));
    return [tf.stack(xs, axisOf(num(op, 'axis', 0), xs[0]!.rank + 1))];
  },
};
export default pack;
