import * as tf from '@tensorflow/tfjs-core';
import { activate, activationKernels, axisOf, need, num } from './common.js';
import type { OpModule } from './types.js';

const concatenation: OpModule = {
  opcode: 'CONCATENATION',
  kernels: (ctx) => ['Concat', ...activationKernels(ctx.op)],
  run(_ctx, inputs, op) {
    const xs = inputs.map((_, i) => need(inputs, i, op));
    return [activate(tf.concat(xs, axisOf(num(op, 'axis', 0), xs[0]!.rank)), op)];
  },
};
export default concatenation;
