import * as tf from '@tensorflow/tfjs-core';
import { need } from './common.js';
import type { OpModule } from './types.js';

/** floor(a / b). tfjs' floorDiv returns int32 even for floats, so floats divide and floor instead. */
const floorDiv: OpModule = {
  opcode: 'FLOOR_DIV',
  kernels: (ctx) => (ctx.inputTensor(0)?.dtype === 'int32' ? ['FloorDiv'] : ['RealDiv', 'Floor']),
  run(_ctx, inputs, op) {
    const a = need(inputs, 0, op);
    const b = need(inputs, 1, op);
    return [a.dtype === 'int32' ? tf.floorDiv(a, b) : tf.floor(tf.div(a, b))];
  },
};
export default floorDiv;
