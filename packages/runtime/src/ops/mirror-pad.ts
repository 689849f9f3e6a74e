import * as tf from '@tensorflow/tfjs-core';
import { need, num } from './common.js';
import { paddingPairs } from './pad-common.js';
import type { OpModule } from './types.js';

/** MirrorPadMode: 0 REFLECT (edge not repeated), 1 SYMMETRIC (edge repeated). */
const mirrorPad: OpModule = {
  opcode: 'MIRROR_PAD',
  kernels: ['MirrorPad'],
  run(ctx, inputs, op) {
    const mode = num(op, 'mode', 0) === 1 ? 'symmetric' : 'reflect';
    return [tf.mirrorPad(need(inputs, 0, op), paddingPairs(ctx, inputs), mode)];
  },
};
export default mirrorPad;
