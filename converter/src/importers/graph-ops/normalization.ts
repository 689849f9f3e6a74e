import * as tf from '@tensorflow/tfjs';
import { attrBool, attrFloat, attrInt, attrString } from './attrs.js';
import { ImportFault, shapeOf, type OpContext } from './context.js';
import type { OpDef, OpTable } from './table.js';
import type { Value } from './types.js';

// FusedBatchNorm / V2 / V3 in inference mode -> MUL and ADD by per-channel constants,
// y = x * (scale / sqrt(var + eps)) + (offset - mean * scale / sqrt(var + eps)).
// The optimizer folds them further into a preceding conv when there is one.

function convert(ctx: OpContext): Value[] {
  if (attrBool(ctx.node, 'is_training', false)) {
    throw new ImportFault('is_training is true: export the model for inference (batch statistics are not a TFLite op)');
  }
  const format = attrString(ctx.node, 'data_format', 'NHWC');
  if (format !== 'NHWC') throw new ImportFault(`data_format ${format}: TFLite is NHWC only; export the model channels-last`);
  const x = ctx.input(0);
  const shape = shapeOf(x);
  const channels = shape[shape.length - 1]!;
  const [scale, offset, mean, variance] = [1, 2, 3, 4].map((i) => ctx.constInput(i, ['scale', 'offset', 'mean', 'variance'][i - 1]!));
  const epsilon = attrFloat(ctx.node, 'epsilon', 1e-4);
  const k = new Float32Array(channels);
  const b = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    k[c] = (scale!.data[c] as number) / Math.sqrt((variance!.data[c] as number) + epsilon);
    b[c] = (offset!.data[c] as number) - (mean!.data[c] as number) * k[c]!;
  }
  const scaled = ctx.intermediate('scaled', shape);
  const out = ctx.output(shape);
  ctx.op('MUL', [x, ctx.constant('multiplier', 'float32', [channels], k)], [scaled], 'MulOptions', { fusedActivationFunction: 0 });
  ctx.op('ADD', [scaled, ctx.constant('offset', 'float32', [channels], b)], [out], 'AddOptions', { fusedActivationFunction: 0, potScaleInt16: true });
  // Outputs 1..5 (batch statistics, reserve space) only matter in training.
  return [out];
}

/** LRN: x / (bias + alpha * sum of squares over depth_radius neighbouring channels) ^ beta, as TFLite's. */
const lrn: OpDef = {
  convert(ctx) {
    const x = ctx.input(0);
    const shape = shapeOf(x);
    if (shape.length !== 4) throw new ImportFault(`the input must be rank 4 (NHWC), is [${shape.join(', ')}]`);
    const out = ctx.output(shape);
    ctx.op('LOCAL_RESPONSE_NORMALIZATION', [x], [out], 'LocalResponseNormalizationOptions', lrnOptions(ctx));
    return out;
  },
  fold: (ctx, [x]) => {
    const o = lrnOptions(ctx);
    return tf.localResponseNormalization(x as tf.Tensor4D, o.radius, o.bias, o.alpha, o.beta);
  },
};

function lrnOptions(ctx: OpContext): { radius: number; bias: number; alpha: number; beta: number } {
  return {
    radius: attrInt(ctx.node, 'depth_radius', 5), bias: attrFloat(ctx.node, 'bias', 1),
    alpha: attrFloat(ctx.node, 'alpha', 1), beta: attrFloat(ctx.node, 'beta', 0.5),
  };
}

export const NORMALIZATION_OPS: OpTable = {
  LRN: lrn,
  FusedBatchNorm: { convert },
  FusedBatchNormV2: { convert },
  FusedBatchNormV3: { convert },
};
