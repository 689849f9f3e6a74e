import type { OpModule } from './types.js';
import absOp from './abs.js';
import addOp from './add.js';
import argMaxOp from './arg-max.js';
import argMinOp from './arg-min.js';
import atan2Op from './atan2.js';
import averagePool2dOp from './average-pool-2d.js';
import batchMatmulOp from './batch-matmul.js';
import batchToSpaceNdOp from './batch-to-space-nd.js';
import broadcastToOp from './broadcast-to.js';
import castOp from './cast.js';
import ceilOp from './ceil.js';
import concatenationOp from './concatenation.js';
import conv2dOp from './conv-2d.js';
import convolution2dTransposeBiasOp from './convolution-2d-transpose-bias.js';
import cosOp from './cos.js';
import cumsumOp from './cumsum.js';
import densifyOp from './densify.js';
import depthToSpaceOp from './depth-to-space.js';
import depthwiseConv2dOp from './depthwise-conv-2d.js';
import dequantizeOp from './dequantize.js';
import divOp from './div.js';
import eluOp from './elu.js';
import equalOp from './equal.js';
import expOp from './exp.js';
import fillOp from './fill.js';
import floorOp from './floor.js';
import floorDivOp from './floor-div.js';
import floorModOp from './floor-mod.js';
import fullyConnectedOp from './fully-connected.js';
import gatherOp from './gather.js';
import gatherNdOp from './gather-nd.js';
import geluOp from './gelu.js';
import greaterOp from './greater.js';
import greaterEqualOp from './greater-equal.js';
import hardSwishOp from './hard-swish.js';
import leakyReluOp from './leaky-relu.js';
import lessOp from './less.js';
import lessEqualOp from './less-equal.js';
import localResponseNormalizationOp from './local-response-normalization.js';
import logOp from './log.js';
import logSoftmaxOp from './log-softmax.js';
import logicalAndOp from './logical-and.js';
import logicalNotOp from './logical-not.js';
import logicalOrOp from './logical-or.js';
import logisticOp from './logistic.js';
import maxPool2dOp from './max-pool-2d.js';
import maximumOp from './maximum.js';
import meanOp from './mean.js';
import minimumOp from './minimum.js';
import mirrorPadOp from './mirror-pad.js';
import mulOp from './mul.js';
import negOp from './neg.js';
import nonMaxSuppressionV4Op from './non-max-suppression-v4.js';
import nonMaxSuppressionV5Op from './non-max-suppression-v5.js';
import notEqualOp from './not-equal.js';
import oneHotOp from './one-hot.js';
import packOp from './pack.js';
import padOp from './pad.js';
import padv2Op from './padv2.js';
import powOp from './pow.js';
import preluOp from './prelu.js';
import quantizeOp from './quantize.js';
import reduceMaxOp from './reduce-max.js';
import reduceMinOp from './reduce-min.js';
import reduceProdOp from './reduce-prod.js';
import reluOp from './relu.js';
import reluN1To1Op from './relu-n1-to-1.js';
import relu6Op from './relu6.js';
import reshapeOp from './reshape.js';
import resizeBilinearOp from './resize-bilinear.js';
import resizeNearestNeighborOp from './resize-nearest-neighbor.js';
import reverseV2Op from './reverse-v2.js';
import roundOp from './round.js';
import rsqrtOp from './rsqrt.js';
import selectOp from './select.js';
import selectV2Op from './select-v2.js';
import signOp from './sign.js';
import sinOp from './sin.js';
import sliceOp from './slice.js';
import softmaxOp from './softmax.js';
import spaceToBatchNdOp from './space-to-batch-nd.js';
import spaceToDepthOp from './space-to-depth.js';
import sparseToDenseOp from './sparse-to-dense.js';
import splitOp from './split.js';
import splitVOp from './split-v.js';
import sqrtOp from './sqrt.js';
import squareOp from './square.js';
import squaredDifferenceOp from './squared-difference.js';
import squeezeOp from './squeeze.js';
import stridedSliceOp from './strided-slice.js';
import subOp from './sub.js';
import sumOp from './sum.js';
import tanhOp from './tanh.js';
import tileOp from './tile.js';
import topkV2Op from './topk-v2.js';
import transposeOp from './transpose.js';
import transposeConvOp from './transpose-conv.js';
import unpackOp from './unpack.js';

/** Every op the tfjs engine runs, one module per TFLite operator (builtin name or custom code). */
export const OP_MODULES: readonly OpModule[] = [
  absOp,
  addOp,
  argMaxOp,
  argMinOp,
  atan2Op,
  averagePool2dOp,
  batchMatmulOp,
  batchToSpaceNdOp,
  broadcastToOp,
  castOp,
  ceilOp,
  concatenationOp,
  conv2dOp,
  convolution2dTransposeBiasOp,
  cosOp,
  cumsumOp,
  densifyOp,
  depthToSpaceOp,
  depthwiseConv2dOp,
  dequantizeOp,
  divOp,
  eluOp,
  equalOp,
  expOp,
  fillOp,
  floorOp,
  floorDivOp,
  floorModOp,
  fullyConnectedOp,
  gatherOp,
  gatherNdOp,
  geluOp,
  greaterOp,
  greaterEqualOp,
  hardSwishOp,
  leakyReluOp,
  lessOp,
  lessEqualOp,
  localResponseNormalizationOp,
  logOp,
  logSoftmaxOp,
  logicalAndOp,
  logicalNotOp,
  logicalOrOp,
  logisticOp,
  maxPool2dOp,
  maximumOp,
  meanOp,
  minimumOp,
  mirrorPadOp,
  mulOp,
  negOp,
  nonMaxSuppressionV4Op,
  nonMaxSuppressionV5Op,
  notEqualOp,
  oneHotOp,
  packOp,
  padOp,
  padv2Op,
  powOp,
  preluOp,
  quantizeOp,
  reduceMaxOp,
  reduceMinOp,
  reduceProdOp,
  reluOp,
  reluN1To1Op,
  relu6Op,
  reshapeOp,
  resizeBilinearOp,
  resizeNearestNeighborOp,
  reverseV2Op,
  roundOp,
  rsqrtOp,
  selectOp,
  selectV2Op,
  signOp,
  sinOp,
  sliceOp,
  softmaxOp,
  spaceToBatchNdOp,
  spaceToDepthOp,
  sparseToDenseOp,
  splitOp,
  splitVOp,
  sqrtOp,
  squareOp,
  squaredDifferenceOp,
  squeezeOp,
  stridedSliceOp,
  subOp,
  sumOp,
  tanhOp,
  tileOp,
  topkV2Op,
  transposeOp,
  transposeConvOp,
  unpackOp,
];

/** A fresh lookup table; each executor builds its own (state belongs to the instance). */
export function opTable(modules: readonly OpModule[] = OP_MODULES): Map<string, OpModule> {
  return new Map(modules.map((m) => [m.opcode, m]));
}

export type { OpContext, OpModule } from './types.js';
