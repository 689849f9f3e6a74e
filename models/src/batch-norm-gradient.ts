import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-core's FusedBatchNorm gradient tiles per-channel factors to the activation's full shape and builds
 * about ten activation-sized temporaries per layer; on the wasm backend that Tile alone took a third of
 * each training step. This gradient is the same algebra with per-channel factors broadcast and pulled out
 * of the reductions (sum(dy * c) = c * sum(dy)): 3 activation-sized ops and 2 reductions.
 *
 *   r = rsqrt(variance + eps)
 *   dx = dy * scale * r            dmean = -scale * r * sum(dy)
 *   doffset = sum(dy)              dscale = r * sum(dy * (x - mean))
 *   dvariance = -0.5 * scale * r^3 * sum(dy * (x - mean))
 *
 * It replaces the gradient for the whole process (tfjs keeps one per kernel), so only training scripts
 * call it. Forward results are untouched; gradients agree with tfjs's to float32 rounding.
 */
export function registerLeanBatchNormGradient(): void {
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const gradient = Array.isArray(dy) ? dy[0]! : dy;
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const epsilon = attrs['varianceEpsilon'] as number;
      const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tf.Tensor) => tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
      const scaleValue = scale ?? tf.scalar(1);
      const r = tf.rsqrt(tf.add(variance, tf.scalar(epsilon)));
      const scaleTimesR = tf.mul(scaleValue, r);
      // Computed once here, like tfjs's own gradient does, and freed by the engine after backprop.
      const sumDy = reduce(gradient);
      const sumDyXMinusMean = reduce(tf.mul(gradient, tf.sub(x, mean)));
      return {
        x: () => tf.mul(gradient, scaleTimesR),
        mean: () => tf.reshape(tf.mul(tf.neg(scaleTimesR), sumDy), mean.shape),
        variance: () =>
          tf.reshape(tf.mul(tf.mul(tf.mul(scaleTimesR, tf.mul(r, r)), tf.scalar(-0.5)), sumDyXMinusMean), mean.shape),
        scale: () => tf.reshape(tf.mul(r, sumDyXMinusMean), mean.shape),
        offset: () => tf.clone(sumDy),
      };
    },
  });
}
