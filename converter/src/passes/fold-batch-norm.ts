import { elementCount, type Graph, type Operator, type Subgraph, type Tensor } from '@borde/tflite';
import {
  addFloatConstant, boundaryTensors, cloneGraph, consumers, floatData, isConstant, sameShape,
} from './graph-utils.js';

/** Ops whose output channels can absorb a per-channel scale and offset: weight input, its channel axis, bias input. */
const FOLDABLE: Record<string, { weights: number; channelAxis: 'first' | 'last'; bias: number }> = {
  CONV_2D: { weights: 1, channelAxis: 'first', bias: 2 },
  DEPTHWISE_CONV_2D: { weights: 1, channelAxis: 'last', bias: 2 },
  FULLY_CONNECTED: { weights: 1, channelAxis: 'first', bias: 2 },
  TRANSPOSE_CONV: { weights: 1, channelAxis: 'first', bias: 3 },
};

const NONE = 0;

/**
 * Folds MUL / ADD / SUB by per-channel constants (BatchNormalization at inference, Rescaling after a conv)
 * into a preceding CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED or TRANSPOSE_CONV: the weights are scaled per
 * output channel and the bias adjusted. Only when the intermediate tensor feeds nothing else and is not
 * a model output, and the producer has no fused activation yet.
 */
export function foldBatchNorm(graph: Graph): Graph {
  const out = cloneGraph(graph);
  out.subgraphs.forEach((sg, s) => foldSubgraph(sg, boundaryTensors(out, s)));
  return out;
}

function foldSubgraph(sg: Subgraph, boundary: Set<number>): void {
  const removed = new Set<Operator>();
  for (const op of sg.operators) {
    const spec = FOLDABLE[op.opcode];
    if (!spec || removed.has(op) || op.outputs.length !== 1) continue;
    for (;;) {
      if ((op.options?.['fusedActivationFunction'] ?? NONE) !== NONE) break;
      const t = op.outputs[0]!;
      if (boundary.has(t)) break;
      const readers = consumers(sg).get(t) ?? [];
      if (readers.length !== 1) break;
      const next = readers[0]!;
      const affine = perChannelAffine(sg, next, t);
      if (!affine) break;
      const weights = sg.tensors[op.inputs[spec.weights]!];
      if (!isConstant(weights) || weights.dtype !== 'float32') break;
      const channels = spec.channelAxis === 'first' ? weights.shape[0]! : weights.shape[weights.shape.length - 1]!;
      const factors = broadcastChannels(affine.constant, channels);
      if (!factors) break;
      const biasIndex = op.inputs[spec.bias] ?? -1;
      const bias = biasIndex >= 0 ? sg.tensors[biasIndex] : undefined;
      if (biasIndex >= 0 && (!isConstant(bias) || bias.dtype !== 'float32')) break;
      const biasValues = bias ? floatData(bias) : new Float32Array(channels);

      if (affine.kind === 'mul') {
        const w = floatData(weights);
        const inner = elementCount(weights.shape) / channels;
        for (let i = 0; i < w.length; i++) {
          const c = spec.channelAxis === 'first' ? Math.floor(i / inner) : i % channels;
          w[i] = w[i]! * factors[c]!;
        }
        for (let c = 0; c < channels; c++) biasValues[c] = biasValues[c]! * factors[c]!;
        op.inputs[spec.weights] = addFloatConstant(sg, weights.name, weights.shape, w);
      } else {
        const sign = affine.kind === 'add' ? 1 : -1;
        for (let c = 0; c < channels; c++) biasValues[c] = biasValues[c]! + sign * factors[c]!;
      }
      const biasName = bias?.name ?? `${sg.tensors[t]!.name}/bias`;
      while (op.inputs.length <= spec.bias) op.inputs.push(-1);
      op.inputs[spec.bias] = addFloatConstant(sg, biasName, [channels], biasValues);
      // The producer now writes the folded op's output, and takes over its fused activation.
      op.outputs[0] = next.outputs[0]!;
      const fused = next.options?.['fusedActivationFunction'];
      if (fused !== undefined && fused !== NONE) op.options = { ...(op.options ?? {}), fusedActivationFunction: fused };
      removed.add(next);
      sg.operators = sg.operators.filter((o) => o !== next);
    }
  }
}

interface Affine {
  kind: 'mul' | 'add' | 'sub';
  constant: Tensor;
}

/** `next` as x * c, x + c or x - c with a constant c, where x is tensor `t` and the output keeps x's shape. */
function perChannelAffine(sg: Subgraph, next: Operator, t: number): Affine | undefined {
  if (!['MUL', 'ADD', 'SUB'].includes(next.opcode) || next.inputs.length !== 2 || next.outputs.length !== 1) return undefined;
  const [a, b] = next.inputs as [number, number];
  const otherIndex = a === t ? b : b === t ? a : -1;
  if (otherIndex < 0 || otherIndex === t) return undefined;
  if (next.opcode === 'SUB' && b !== otherIndex) return undefined; // c - x is not affine in the right sense
  const constant = sg.tensors[otherIndex];
  if (!isConstant(constant) || constant.dtype !== 'float32') return undefined;
  if (!sameShape(sg.tensors[next.outputs[0]!]!.shape, sg.tensors[t]!.shape)) return undefined;
  return { kind: next.opcode === 'MUL' ? 'mul' : next.opcode === 'ADD' ? 'add' : 'sub', constant };
}

/** The constant as one value per output channel: a scalar, or C values on the last axis (all other dims 1). */
function broadcastChannels(constant: Tensor, channels: number): Float32Array | undefined {
  const values = floatData(constant);
  const shape = constant.shape;
  if (values.length === 1) return new Float32Array(channels).fill(values[0]!);
  if (values.length !== channels || shape[shape.length - 1] !== channels) return undefined;
  return values;
}
