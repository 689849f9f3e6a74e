import type { OpModule } from './types.js';
import addOp from './add.js';
import averagePool2dOp from './average-pool-2d.js';
import concatenationOp from './concatenation.js';
import conv2dOp from './conv-2d.js';
import convolution2dTransposeBiasOp from './convolution-2d-transpose-bias.js';
import densifyOp from './densify.js';
import depthToSpaceOp from './depth-to-space.js';
import depthwiseConv2dOp from './depthwise-conv-2d.js';
import dequantizeOp from './dequantize.js';
import divOp from './div.js';
import eluOp from './elu.js';
import expOp from './exp.js';
import fullyConnectedOp from './fully-connected.js';
import gatherOp from './gather.js';
import geluOp from './gelu.js';
import hardSwishOp from './hard-swish.js';
import leakyReluOp from './leaky-relu.js';
import logOp from './log.js';
import logisticOp from './logistic.js';
import maxPool2dOp from './max-pool-2d.js';
import maximumOp from './maximum.js';
import meanOp from './mean.js';
import minimumOp from './minimum.js';
import mirrorPadOp from './mirror-pad.js';
import mulOp from './mul.js';
import packOp from './pack.js';
import padOp from './pad.js';
import padv2Op from './padv2.js';
import preluOp from './prelu.js';
import quantizeOp from './quantize.js';
import reduceMaxOp from './reduce-max.js';
import reluN1To1Op from './relu-n1-to-1.js';
import reluOp from './relu.js';
import relu6Op from './relu6.js';
import reshapeOp from './reshape.js';
import resizeBilinearOp from './resize-bilinear.js';
import resizeNearestNeighborOp from './resize-nearest-neighbor.js';
import rsqrtOp from './rsqrt.js';
import sliceOp from './slice.js';
import softmaxOp from './softmax.js';
import sqrtOp from './sqrt.js';
import squareOp from './square.js';
import squeezeOp from './squeeze.js';
import stridedSliceOp from './strided-slice.js';
import subOp from './sub.js';
import sumOp from './sum.js';
import tanhOp from './tanh.js';
import transposeConvOp from './transpose-conv.js';
import transposeOp from './transpose.js';

/** Every op the tfjs engine runs, one module per TFLite operator (builtin name or custom code). */
export const OP_MODULES: readonly OpModule[] = [
  addOp,
  averagePool2dOp,
  concatenationOp,
  conv2dOp,
  convolution2dTransposeBiasOp,
  densifyOp,
  depthToSpaceOp,
  depthwiseConv2dOp,
  dequantizeOp,
  divOp,
  eluOp,
  expOp,
  fullyConnectedOp,
  gatherOp,
  geluOp,
  hardSwishOp,
  leakyReluOp,
  logOp,
  logisticOp,
  maxPool2dOp,
  maximumOp,
  meanOp,
  minimumOp,
  mirrorPadOp,
  mulOp,
  packOp,
  padOp,
  padv2Op,
  preluOp,
  quantizeOp,
  reduceMaxOp,
  reluN1To1Op,
  reluOp,
  relu6Op,
  reshapeOp,
  resizeBilinearOp,
  resizeNearestNeighborOp,
  rsqrtOp,
  sliceOp,
  softmaxOp,
  sqrtOp,
  squareOp,
  squeezeOp,
  stridedSliceOp,
  subOp,
  sumOp,
  tanhOp,
  transposeConvOp,
  transposeOp,
];

/** A fresh lookup table; each executor builds its own (state belongs to the instance). */
export function opTable(modules: readonly OpModule[] = OP_MODULES): Map<string, OpModule> {
  return new Map(modules.map((m) => [m.opcode, m]));
}

export type { OpContext, OpModule } from './types.js';
