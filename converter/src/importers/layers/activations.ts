import type { SubgraphBuilder, TensorRef } from './context.js';
import { broadcastShapes } from './types.js';

/**
 * Keras/tfjs activations expressed in TFLite builtins, with tfjs' own definitions (tfjs-layers 4.22
 * activations.ts), since the converted model must match model.predict.
 */
type ActivationEmitter = (b: SubgraphBuilder, x: TensorRef, prefix: string) => TensorRef;

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const unaryOp = (opcode: string, suffix: string, optionsType?: string, options?: Record<string, unknown>): ActivationEmitter =>
  (b, x, prefix) => b.unary(opcode, [x], `${prefix}/${suffix}`, x.shape, optionsType, options);

function scalar(b: SubgraphBuilder, prefix: string, name: string, value: number): TensorRef {
  return b.constFloat(`${prefix}/${name}`, [], [value]);
}

export function binary(b: SubgraphBuilder, opcode: string, x: TensorRef, y: TensorRef, name: string): TensorRef {
  const optionsType = { ADD: 'AddOptions', SUB: 'SubOptions', MUL: 'MulOptions', DIV: 'DivOptions' }[opcode];
  return b.unary(opcode, [x, y], name, broadcastShapes(x.shape, y.shape), optionsType,
    optionsType ? { fusedActivationFunction: 0 } : undefined);
}

/** elu with any alpha: relu(x) + alpha * ELU(min(x, 0)); ELU(min(x,0)) is exp(min(x,0)) - 1. */
export function emitElu(b: SubgraphBuilder, x: TensorRef, prefix: string, alpha: number, scale = 1): TensorRef {
  if (alpha === 1 && scale === 1) return b.unary('ELU', [x], `${prefix}/elu`, x.shape);
  const neg = b.unary('MINIMUM', [x, scalar(b, prefix, 'zero', 0)], `${prefix}/min0`, x.shape);
  const expm1 = b.unary('ELU', [neg], `${prefix}/expm1`, x.shape);
  const pos = b.unary('RELU', [x], `${prefix}/relu`, x.shape);
  const scaledNeg = binary(b, 'MUL', expm1, scalar(b, prefix, 'alpha', alpha * scale), `${prefix}/alpha_mul`);
  const scaledPos = scale === 1 ? pos : binary(b, 'MUL', pos, scalar(b, prefix, 'scale', scale), `${prefix}/scale_mul`);
  return binary(b, 'ADD', scaledPos, scaledNeg, `${prefix}/elu`);
}

/** softplus(x) = relu(x) + log(1 + exp(-|x|)): no overflow for large x, as tfjs' softplus. */
function emitSoftplus(b: SubgraphBuilder, x: TensorRef, prefix: string): TensorRef {
  const abs = b.unary('ABS', [x], `${prefix}/abs`, x.shape);
  const negAbs = b.unary('NEG', [abs], `${prefix}/neg`, x.shape);
  const exp = b.unary('EXP', [negAbs], `${prefix}/exp`, x.shape);
  const onePlus = binary(b, 'ADD', exp, scalar(b, prefix, 'one', 1), `${prefix}/add1`);
  const log = b.unary('LOG', [onePlus], `${prefix}/log`, x.shape);
  const pos = b.unary('RELU', [x], `${prefix}/relu`, x.shape);
  return binary(b, 'ADD', pos, log, `${prefix}/softplus`);
}

function emitSwish(b: SubgraphBuilder, x: TensorRef, prefix: string): TensorRef {
  const sig = b.unary('LOGISTIC', [x], `${prefix}/sigmoid`, x.shape);
  return binary(b, 'MUL', x, sig, `${prefix}/swish`);
}

/** clip(slope * x + 0.5, 0, 1) */
function emitHardSigmoid(b: SubgraphBuilder, x: TensorRef, prefix: string, slope: number): TensorRef {
  const scaled = binary(b, 'MUL', x, scalar(b, prefix, 'slope', slope), `${prefix}/mul`);
  const shifted = binary(b, 'ADD', scaled, scalar(b, prefix, 'offset', 0.5), `${prefix}/add`);
  const low = b.unary('RELU', [shifted], `${prefix}/relu`, x.shape);
  return b.unary('MINIMUM', [low, scalar(b, prefix, 'one', 1)], `${prefix}/hard_sigmoid`, x.shape);
}

const ACTIVATIONS: Record<string, ActivationEmitter> = {
  linear: (_b, x) => x,
  relu: unaryOp('RELU', 'relu'),
  relu6: unaryOp('RELU6', 'relu6'),
  sigmoid: unaryOp('LOGISTIC', 'sigmoid'),
  tanh: unaryOp('TANH', 'tanh'),
  // tfjs' activation softmax is over the last axis.
  softmax: unaryOp('SOFTMAX', 'softmax', 'SoftmaxOptions', { beta: 1 }),
  logsoftmax: unaryOp('LOG_SOFTMAX', 'log_softmax', 'LogSoftmaxOptions', {}),
  elu: (b, x, p) => emitElu(b, x, p, 1),
  selu: (b, x, p) => emitElu(b, x, p, SELU_ALPHA, SELU_SCALE),
  softplus: emitSoftplus,
  softsign: (b, x, p) => {
    const abs = b.unary('ABS', [x], `${p}/abs`, x.shape);
    const den = binary(b, 'ADD', abs, scalar(b, p, 'one', 1), `${p}/add1`);
    return binary(b, 'DIV', x, den, `${p}/softsign`);
  },
  swish: emitSwish,
  // Keras 3 writes swish as silu.
  silu: emitSwish,
  mish: (b, x, p) => {
    const sp = emitSoftplus(b, x, `${p}/softplus`);
    const t = b.unary('TANH', [sp], `${p}/tanh`, x.shape);
    return binary(b, 'MUL', x, t, `${p}/mish`);
  },
  // tfjs and Keras 2: clip(0.2 * x + 0.5, 0, 1)
  hardsigmoid: (b, x, p) => emitHardSigmoid(b, x, p, 0.2),
  // Keras 3 redefined hard_sigmoid as relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1); its importer asks for it by this name.
  hardsigmoidrelu6: (b, x, p) => emitHardSigmoid(b, x, p, 1 / 6),
  // Keras 3 hard_silu (alias hard_swish): x * relu6(x + 3) / 6, TFLite's HARD_SWISH exactly.
  hardswish: unaryOp('HARD_SWISH', 'hard_swish'),
  hardsilu: unaryOp('HARD_SWISH', 'hard_swish'),
  // tfjs 'gelu' is the exact erf form, 'gelu_new' the tanh approximation: both are TFLite GELU.
  gelu: unaryOp('GELU', 'gelu', 'GeluOptions', { approximate: false }),
  gelunew: unaryOp('GELU', 'gelu', 'GeluOptions', { approximate: true }),
};

/** Canonical key: `hard_sigmoid`, `hardSigmoid` and `HardSigmoid` are one activation. */
function activationKey(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/** Name of the activation in a layer config (string or {class_name}); undefined for none. */
export function activationName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as { class_name?: unknown; config?: { name?: unknown } };
    if (typeof v.class_name === 'string') return v.class_name;
  }
  return String(value);
}

export function isSupportedActivation(name: string | undefined): boolean {
  return name === undefined || activationKey(name) in ACTIVATIONS;
}

export const SUPPORTED_ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'log_softmax', 'elu', 'selu', 'softplus', 'softsign',
  'swish', 'silu', 'mish', 'hard_sigmoid', 'hard_swish', 'hard_silu', 'gelu', 'gelu_new',
];

/** Applies the named activation to `x`; returns `x` itself for linear/none. */
export function applyActivation(b: SubgraphBuilder, x: TensorRef, name: string | undefined, prefix: string): TensorRef {
  if (name === undefined) return x;
  const emit = ACTIVATIONS[activationKey(name)];
  if (!emit) throw new Error(`activation ${name} was not checked before conversion`);
  return emit(b, x, prefix);
}
