import * as tf from '@tensorflow/tfjs-core';
import { axisOf, intList, need } from './common.js';
import type { OpModule } from './types.js';

/** Drops the listed size-1 dimensions (`squeezeDims`), or all of them when the list is empty. */
const squeeze: OpModule = {
  opcode: 'SQUEEZE',
  kernels: ['Reshape'],
  run(_ctx, inputs, op) {
    const x = need(inputs, 0, op);
    const dims = (intList(op, 'squeezeDims') ?? []).map((d) => axisOf(d, x.rank));
    const shape = x.shape.filter((d, i) => (dims.length === 0 ? d !== 1 : !dims.includes(i)));
    return [tf.reshape(x, shape)];
  },
};
export default squeeze;
