import * as tf from '@tensorflow/tfjs-core';
import { axisOf, ints, need, num } from './common.js';
import type { OpModule } from './types.js';

/** ONE_HOT(indices, depth, on_value, off_value), the new axis at option `axis` (-1: last). */
const oneHot: OpModule = {
  opcode: 'ONE_HOT',
  kernels: ['OneHot', 'Select', 'Tile', 'Reshape', 'Cast', 'Transpose'],
  run(ctx, inputs, op) {
    const indices = need(inputs, 0, op);
    const depth = ints(ctx, inputs, 1)[0] ?? 0;
    const hot = tf.cast(tf.oneHot(tf.cast(indices, 'int32'), depth, 1, 0, 'int32'), 'bool');
    let out = tf.where(hot, need(inputs, 2, op), need(inputs, 3, op));
    const axis = num(op, 'axis', -1);
    if (axis !== -1 && axis !== indices.rank) {
      const at = axisOf(axis, indices.rank + 1);
      const perm = Array.from({ length: indices.rank }, (_v, k) => k);
      perm.splice(at, 0, indices.rank);
      out = tf.transpose(out, perm);
    }
    return [out];
  },
};
export default oneHot;
