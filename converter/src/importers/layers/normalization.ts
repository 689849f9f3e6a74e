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

/**
 * Normalization (Keras preprocessing): (x - mean) / max(sqrt(variance), 1e-7), or its inverse with
 * `invert`. mean and variance come from the config (passed at construction) or from the adapted weights,
 * over the kept `axis` (default the last; null: one value for everything).
 */
export const normalization: LayerConverter = {
  convert({ b, name, config, inputs, weights }) {
    const x = inputs[0]!;
    const rank = x.shape.length;
    const rawAxis = config['axis'] === undefined ? -1 : config['axis'];
    const axes = (rawAxis === null ? [] : Array.isArray(rawAxis) ? (rawAxis as number[]) : [rawAxis as number]).map((a) => normalizeAxis(a, rank));
    if (axes.some((a) => a <= 0 || a >= rank)) throw new UnsupportedLayerError(`axis ${JSON.stringify(rawAxis)} for an input of rank ${rank}`);
    // The constants broadcast against the input without its batch dimension.
    const shape = x.shape.slice(1).map((d, i) => (axes.includes(i + 1) ? d : 1));
    const count = shape.reduce((n, d) => n * d, 1);
    const values = (field: 'mean' | 'variance'): Float32Array => {
      const given = config[field];
      if (given === undefined || given === null) {
        const w = weights.get(field);
        if (w.length !== count) throw new UnsupportedLayerError(`${field} has ${w.length} values, the input needs ${count}`);
        return w;
      }
      const list = (Array.isArray(given) ? (given as unknown[]).flat(8) : [given]) as number[];
      if (list.length === 1) return new Float32Array(count).fill(list[0]!);
      if (list.length !== count) throw new UnsupportedLayerError(`${field} has ${list.length} values, the input needs ${count}`);
      return Float32Array.from(list);
    };
    const mean = values('mean');
    const std = values('variance').map((v) => Math.max(Math.sqrt(v), 1e-7));
    const constShape = shape.every((d) => d === 1) ? [] : shape;
    if (config['invert'] === true) {
      const scaled = binary(b, 'MUL', x, b.constFloat(`${name}/std`, constShape, std), `${name}/mul`);
      return [binary(b, 'ADD', scaled, b.constFloat(`${name}/mean`, constShape, mean), `${name}/add`)];
    }
    // Multiplying by 1/std (not dividing) keeps to ops every int8 kernel set has; the difference is an ulp.
    const centered = binary(b, 'SUB', x, b.constFloat(`${name}/mean`, constShape, mean), `${name}/sub`);
    return [binary(b, 'MUL', centered, b.constFloat(`${name}/inv_std`, constShape, std.map((s) => 1 / s)), `${name}/mul`)];
  },
};
