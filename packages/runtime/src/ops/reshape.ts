import * as tf from '@tensorflow/tfjs-core';
import { intList, need } from './common.js';
import type { OpModule } from './types.js';

/** New shape from the constant shape input, else the `newShape` option, else the graph's output shape. */
const reshape: OpModule = {
  opcode: 'RESHAPE',
  kernels: ['Reshape'],
  run(ctx, inputs, op) {
    const x = need(inputs, 0, op);
    const fromInput = ctx.constant(1);
    const shape = fromInput && fromInput.data.length > 0
      ? Array.from(fromInput.data, Number)
      : intList(op, 'newShape') ?? ctx.outputTensor(0).shape;
    return [tf.reshape(x, shape)];
  },
};
export default reshape;
