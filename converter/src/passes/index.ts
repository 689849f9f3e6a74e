import type { Graph } from '@borde/tflite';
import { foldBatchNorm } from './fold-batch-norm.js';
import { foldConstants } from './fold-constants.js';
import { fuseActivations } from './fuse-activations.js';
import { prune } from './prune.js';
import { removeIdentity } from './remove-identity.js';

export { foldBatchNorm, foldConstants, fuseActivations, prune, removeIdentity };

/**
 * The float graph optimizations, in order: constants first (so BatchNorm constants built from ops become
 * plain constants), identities out, BatchNorm folded into the conv/dense before it, activations fused into
 * their producers, and unused tensors pruned. The input graph is not modified.
 */
export function optimize(graph: Graph): Graph {
  let g = foldConstants(graph);
  g = removeIdentity(g);
  g = foldBatchNorm(g);
  g = fuseActivations(g);
  return prune(g);
}
