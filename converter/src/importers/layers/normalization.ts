import { binary } from './activations.js';
import { UnsupportedLayerError, normalizeAxis, type LayerConverter } from './types.js';

/**
 * BatchNormalization at inference: y = x * s + (beta - mean * s), s = gamma / sqrt(var + eps), as a MUL
 * and an ADD by per-channel constants (the fold-batch-norm pass merges them into a preceding conv/dense).
 */
export const batchNormalization: LayerConverter = {
  check(config) {
    const axis = config['axis'];
    if (Array.isArray(axis) && axis.length !== 1) return `axis ${JSON.stringify(axis)} (one axis only)`;
    return undefined;
  },
  convert({ b, name, config, inputs, weights }) {
    const x = inputs[0]!;
    const rawAxis = Array.isArray(config['axis']) ? (config['axis'] as number[])[0]! : ((config['axis'] as number | undefined) ?? -1);
    const axis = normalizeAxis(rawAxis, x.shape.length);
    if (axis !== x.shape.length - 1) {
      throw new UnsupportedLayerError(`axis ${rawAxis} (only the last, channels axis is supported)`);
    }
    const c = x.shape[axis]!;
    const eps = (config['epsilon'] as number | undefined) ?? 1e-3;
    const gamma = config['scale'] !== false ? weights.get('gamma', [c]) : new Float32Array(c).fill(1);
    const beta = config['center'] !== false ? weights.get('beta', [c]) : new Float32Array(c);
    const mean = weights.get('moving_mean', [c]);
    const variance = weights.get('moving_variance', [c]);
    const scale = new Float32Array(c);
    const offset = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      // Computed in float64, like tfjs' batchNorm computes in float32 with the same formula order.
      const s = gamma[i]! / Math.sqrt(variance[i]! + eps);
      scale[i] = s;
      offset[i] = beta[i]! - mean[i]! * s;
    }
    const mul = binary(b, 'MUL', x, b.constFloat(`${name}/scale`, [c], scale), `${name}/mul`);
    return [binary(b, 'ADD', mul, b.constFloat(`${name}/offset`, [c], offset), `${name}/add`)];
  },
};
