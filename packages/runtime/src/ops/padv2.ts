import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import { paddingPairs } from './pad-common.js';
import type { OpModule } from './types.js';

/** PAD with the constant fill value in input 2. */
const padV2: OpModule = {
  opcode: 'PADV2',
  kernels: ['PadV2'],
  run(ctx, inputs, op) {
    const fill = ctx.constant(2)?.data[0] ?? (inputs[2] ? inputs[2].dataSync()[0]! : 0);
    return [tf.pad(need(inputs, 0, op), paddingPairs(ctx, inputs), Number(fill))];
  },
};
export default padV2;
