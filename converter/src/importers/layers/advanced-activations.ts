import { applyActivation, emitElu } from './activations.js';
import { UnsupportedLayerError, normalizeAxis, type LayerConverter } from './types.js';

/** ReLU layer: max_value caps it (RELU6 when 6), negative_slope makes it leaky; threshold must be 0. */
export const relu: LayerConverter = {
  check(config) {
    const threshold = config['threshold'];
    if (typeof threshold === 'number' && threshold !== 0) return `threshold=${threshold} (only 0)`;
    return undefined;
  },
  convert({ b, name, config, inputs }) {
    const x = inputs[0]!;
    const maxValue = config['max_value'];
    const slope = (config['negative_slope'] as number | undefined) ?? 0;
    if (slope !== 0) {
      const leaky = b.unary('LEAKY_RELU', [x], `${name}/leaky_relu`, x.shape, 'LeakyReluOptions', { alpha: slope });
      if (typeof maxValue !== 'number') return [leaky];
      return [b.unary('MINIMUM', [leaky, b.constFloat(`${name}/max_value`, [], [maxValue])], `${name}/minimum`, x.shape)];
    }
    if (typeof maxValue !== 'number') return [b.unary('RELU', [x], `${name}/relu`, x.shape)];
    if (maxValue === 6) return [b.unary('RELU6', [x], `${name}/relu6`, x.shape)];
    const r = b.unary('RELU', [x], `${name}/relu`, x.shape);
    return [b.unary('MINIMUM', [r, b.constFloat(`${name}/max_value`, [], [maxValue])], `${name}/minimum`, x.shape)];
  },
};

/** LeakyReLU: tfjs stores `alpha` (default 0.3), Keras 3 `negative_slope`. */
export const leakyRelu: LayerConverter = {
  convert({ b, name, config, inputs }) {
    const x = inputs[0]!;
    const alpha = (config['alpha'] as number | undefined) ?? (config['negative_slope'] as number | undefined) ?? 0.3;
    return [b.unary('LEAKY_RELU', [x], `${name}/leaky_relu`, x.shape, 'LeakyReluOptions', { alpha })];
  },
};

/** PReLU: alpha has the input's shape without batch (1 on shared axes); PRELU broadcasts it. */
export const prelu: LayerConverter = {
  convert({ b, name, inputs, weights }) {
    const x = inputs[0]!;
    const shape = weights.shape('alpha');
    if (shape === undefined) throw new UnsupportedLayerError('the weight alpha is missing');
    const alpha = b.constFloat(`${name}/alpha`, shape, weights.get('alpha'));
    return [b.unary('PRELU', [x, alpha], `${name}/prelu`, x.shape)];
  },
};

export const elu: LayerConverter = {
  convert({ b, name, config, inputs }) {
    return [emitElu(b, inputs[0]!, name, (config['alpha'] as number | undefined) ?? 1)];
  },
};

/** Softmax layer over the last axis (TFLite SOFTMAX); tfjs' default axis is 1, which is last for rank 2. */
export const softmax: LayerConverter = {
  convert({ b, name, config, inputs }) {
    const x = inputs[0]!;
    const raw = config['axis'] ?? 1;
    const axes = Array.isArray(raw) ? (raw as number[]) : [raw as number];
    if (axes.length !== 1 || normalizeAxis(axes[0]!, x.shape.length) !== x.shape.length - 1) {
      throw new UnsupportedLayerError(`softmax over axis ${JSON.stringify(raw)} (only the last axis)`);
    }
    return [applyActivation(b, x, 'softmax', name)];
  },
};

