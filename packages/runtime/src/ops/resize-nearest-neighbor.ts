import * as tf from '@tensorflow/tfjs-core';
import { bool, ints, need } from './common.js';
import type { OpModule } from './types.js';

// Source index as TFLite: align_corners → round(o·(in−1)/(out−1)); half_pixel_centers → floor((o+0.5)·in/out);
// else floor(o·in/out); clamped to [0, in−1]. tfjs' kernels compute the same.
const resizeNearest: OpModule = {
  opcode: 'RESIZE_NEAREST_NEIGHBOR',
  kernels: ['ResizeNearestNeighbor'],
  run(ctx, inputs, op) {
    const [h, w] = ints(ctx, inputs, 1) as [number, number];
    const x = need(inputs, 0, op) as tf.Tensor4D;
    return [tf.image.resizeNearestNeighbor(x, [h, w], bool(op, 'alignCorners'), bool(op, 'halfPixelCenters'))];
  },
};
export default resizeNearest;
