import * as tf from '@tensorflow/tfjs-core';
import { bool, ints, need } from './common.js';
import type { OpModule } from './types.js';

// tfjs computes source coordinates exactly as TFLite: align_corners scales by (in-1)/(out-1),
// half_pixel_centers samples at (o + 0.5)·scale − 0.5 clamped at 0.
const resizeBilinear: OpModule = {
  opcode: 'RESIZE_BILINEAR',
  kernels: ['ResizeBilinear'],
  run(ctx, inputs, op) {
    const [h, w] = ints(ctx, inputs, 1) as [number, number];
    const x = need(inputs, 0, op) as tf.Tensor4D;
    return [tf.image.resizeBilinear(x, [h, w], bool(op, 'alignCorners'), bool(op, 'halfPixelCenters'))];
  },
};
export default resizeBilinear;
