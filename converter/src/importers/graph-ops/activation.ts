import { attrFloat, attrInt, attrStrings } from './attrs.js';
import { ImportFault, OpContext } from './context.js';
import type { ConstTensor, Value } from './types.js';

/**
 * Activations as TFLite expresses them. Only RELU and RELU6 go into an op's fusedActivationFunction:
 * float kernels clamp for RELU/RELU6/RELU_N1_TO_1 but silently ignore a fused TANH, so every other
 * activation is a separate op.
 */
const FUSABLE: Record<string, number> = { relu: 1, relu6: 3 };
export const NO_ACTIVATION = 0;

/** The post-ops of a grappler-fused op (_FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul). */
export interface FusedOps {
  bias?: ConstTensor;
  batchNorm?: { scale: ConstTensor; offset: ConstTensor; mean: ConstTensor; variance: ConstTensor; epsilon: number };
  /** Lower-case TensorFlow activation name (relu, relu6, elu, leakyrelu, sigmoid, tanh, prelu). */
  activation?: string;
  leakyAlpha: number;
  preluAlpha?: Value;
}

/** Reads `fused_ops` and the extra `args` inputs (which start at input `firstArg`). */
export function parseFusedOps(ctx: OpContext, firstArg: number): FusedOps {
  const ops = attrStrings(ctx.node, 'fused_ops').map((s) => s.toLowerCase());
  const numArgs = attrInt(ctx.node, 'num_args', ctx.inputs.length - firstArg);
  const args = ctx.inputs.slice(firstArg, firstArg + numArgs);
  const constArg = (i: number, what: string): ConstTensor => {
    const v = args[i];
    if (v?.kind !== 'const') throw new ImportFault(`fused ${what} (argument ${i}) must be a constant`);
    return v.c;
  };
  const result: FusedOps = { leakyAlpha: attrFloat(ctx.node, 'leakyrelu_alpha', 0.2) };
  let argAt = 0;
  let position = 0;
  const first = ops[0];
  if (first === 'biasadd') {
    result.bias = constArg(argAt++, 'bias');
    position = 1;
  } else if (first === 'fusedbatchnorm') {
    result.batchNorm = {
      scale: constArg(0, 'batch-norm scale'),
      offset: constArg(1, 'batch-norm offset'),
      mean: constArg(2, 'batch-norm mean'),
      variance: constArg(3, 'batch-norm variance'),
      epsilon: attrFloat(ctx.node, 'epsilon', 1e-3),
    };
    argAt = 4;
    position = 1;
  }
  const rest = ops.slice(position);
  if (rest.length > 1) throw new ImportFault(`fused_ops [${ops.join(', ')}] chains more than one activation`);
  const act = rest[0];
  if (act !== undefined) {
    if (!['relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'tanh', 'prelu'].includes(act)) {
      throw new ImportFault(`fused op ${act} has no TFLite equivalent in this importer`);
    }
    result.activation = act;
    if (act === 'prelu') {
      const alpha = args[argAt];
      if (alpha === undefined) throw new ImportFault('fused Prelu needs its alpha argument');
      result.preluAlpha = alpha;
    }
  }
  return result;
}

/** The fusedActivationFunction code for an activation, when TFLite can fuse it; otherwise NONE. */
export function fusedCode(activation: string | undefined): number {
  return activation === undefined ? NO_ACTIVATION : (FUSABLE[activation] ?? NO_ACTIVATION);
}

/** True when the activation needs its own op after the producing op. */
export function needsSeparateOp(activation: string | undefined): boolean {
  return activation !== undefined && !(activation in FUSABLE);
}

/** Emits `activation(x) -> out` as its own TFLite op. */
export function emitActivation(ctx: OpContext, activation: string, x: Value, out: Value, fused: FusedOps | { leakyAlpha: number; preluAlpha?: Value }): void {
  switch (activation) {
    case 'relu': return ctx.op('RELU', [x], [out]);
    case 'relu6': return ctx.op('RELU6', [x], [out]);
    case 'elu': return ctx.op('ELU', [x], [out]);
    case 'sigmoid': return ctx.op('LOGISTIC', [x], [out]);
    case 'tanh': return ctx.op('TANH', [x], [out]);
    case 'leakyrelu': return ctx.op('LEAKY_RELU', [x], [out], 'LeakyReluOptions', { alpha: fused.leakyAlpha });
    case 'prelu': {
      if (fused.preluAlpha === undefined) throw new ImportFault('Prelu needs its alpha');
      return ctx.op('PRELU', [x, fused.preluAlpha], [out]);
    }
    default:
      throw new ImportFault(`activation ${activation} has no TFLite equivalent in this importer`);
  }
}
