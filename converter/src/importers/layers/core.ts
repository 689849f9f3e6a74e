import { elementCount } from '@borde/tflite';
import { applyActivation, activationName } from './activations.js';
import { transposeData, type TensorRef } from './context.js';
import { binary } from './activations.js';
import { UnsupportedLayerError, type LayerContext, type LayerConverter } from './types.js';

const NONE = 0; // ActivationFunctionType.NONE

/** Dense: FULLY_CONNECTED with weights [units, in]; keep_num_dims for inputs of rank > 2. */
export const dense: LayerConverter = {
  convert({ b, name, config, inputs, weights }) {
    const x = inputs[0]!;
    const inDim = x.shape[x.shape.length - 1]!;
    const units = config['units'] as number;
    const kernel = weights.get('kernel', [inDim, units]);
    const w = b.constFloat(`${name}/kernel`, [units, inDim], transposeData(kernel, [inDim, units], [1, 0]));
    const useBias = config['use_bias'] !== false;
    const bias = b.constFloat(`${name}/bias`, [units], useBias ? weights.get('bias', [units]) : new Float32Array(units));
    const outShape = [...x.shape.slice(0, -1), units];
    const y = b.unary('FULLY_CONNECTED', [x, w, bias], `${name}/dense`, outShape, 'FullyConnectedOptions', {
      fusedActivationFunction: NONE,
      weightsFormat: 0,
      keepNumDims: x.shape.length > 2,
      asymmetricQuantizeInputs: false,
    });
    return [applyActivation(b, y, activationName(config['activation']), name)];
  },
};

export const activation: LayerConverter = {
  convert({ b, name, config, inputs }) {
    return [applyActivation(b, inputs[0]!, activationName(config['activation']), name)];
  },
};

/** Dropout and noise layers do nothing at inference. */
export const identity: LayerConverter = {
  convert({ inputs }) {
    return [inputs[0]!];
  },
};

function reshapeTo(ctx: LayerContext, target: number[]): TensorRef {
  const { b, name, inputs } = ctx;
  const x = inputs[0]!;
  // Batch stays -1 in the shape operand so the model keeps a flexible batch.
  const newShape = [-1, ...target];
  const shapeConst = b.constInt32(`${name}/shape`, [newShape.length], newShape);
  return b.unary('RESHAPE', [x, shapeConst], `${name}/reshape`, [x.shape[0]!, ...target], 'ReshapeOptions', { newShape });
}

export const flatten: LayerConverter = {
  check(config) {
    return config['data_format'] === 'channels_first' ? 'channels_first (only channels_last is supported)' : undefined;
  },
  convert(ctx) {
    const x = ctx.inputs[0]!;
    return [reshapeTo(ctx, [elementCount(x.shape.slice(1))])];
  },
};

export const reshape: LayerConverter = {
  convert(ctx) {
    const x = ctx.inputs[0]!;
    // tfjs writes the unknown dimension as null, Keras as -1.
    const target = (ctx.config['target_shape'] as (number | null)[]).map((d) => d ?? -1);
    const known = elementCount(x.shape.slice(1));
    const unknownAt = target.indexOf(-1);
    if (unknownAt >= 0) {
      const rest = elementCount(target.filter((d) => d !== -1));
      target[unknownAt] = known / rest;
    }
    if (elementCount(target) !== known || !Number.isInteger(target[unknownAt] ?? 0)) {
      throw new UnsupportedLayerError(`target_shape [${ctx.config['target_shape']}] does not fit an input of [${x.shape.slice(1)}]`);
    }
    return [reshapeTo(ctx, target)];
  },
};

export const permute: LayerConverter = {
  convert({ b, name, config, inputs }) {
    const x = inputs[0]!;
    const dims = config['dims'] as number[];
    const perm = [0, ...dims];
    const permConst = b.constInt32(`${name}/perm`, [perm.length], perm);
    return [b.unary('TRANSPOSE', [x, permConst], `${name}/transpose`, perm.map((p) => x.shape[p]!), 'TransposeOptions', {})];
  },
};

/** Rescaling: x * scale + offset (scalars). */
export const rescaling: LayerConverter = {
  check(config) {
    return typeof config['scale'] === 'number' && typeof (config['offset'] ?? 0) === 'number'
      ? undefined
      : 'only scalar scale and offset are supported';
  },
  convert({ b, name, config, inputs }) {
    let y = inputs[0]!;
    const scale = config['scale'] as number;
    const offset = (config['offset'] as number | undefined) ?? 0;
    if (scale !== 1) y = binary(b, 'MUL', y, b.constFloat(`${name}/scale`, [], [scale]), `${name}/mul`);
    if (offset !== 0) y = binary(b, 'ADD', y, b.constFloat(`${name}/offset`, [], [offset]), `${name}/add`);
    return [y];
  },
};
