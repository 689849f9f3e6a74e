import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import { paddingPairs } from './pad-common.js';
import type { OpModule } from './types.js';

const pad: OpModule = {
  opcode: 'PAD',
  kernels: ['PadV2'],
  run: (ctx, inputs, op) => [tf.pad(need(inputs, 0, op), paddingPairs(ctx, inputs))],
};
export default pad;
