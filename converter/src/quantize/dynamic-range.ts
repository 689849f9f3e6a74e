import type { Graph, Subgraph, Tensor } from '@borde/tflite';
import { floatConstant } from './ranges.js';
import { quantizeSymmetric } from './params.js';

/** Weights of these ops become int8; the kernels' hybrid paths quantize activations on the fly. */
const HYBRID_WEIGHTS: Record<string, { input: number; axis: number }> = {
  CONV_2D: { input: 1, axis: 0 },
  DEPTHWISE_CONV_2D: { input: 1, axis: 3 },
  FULLY_CONNECTED: { input: 1, axis: -1 },
};

export interface DynamicRangeOptions {
  /**
   * Weight tensors smaller than this stay float, as in the TFLite converter (default 1024): for small
   * layers the int8 saving is negligible and the hybrid kernel costs more than it saves.
   */
  minElements?: number;
}

export interface DynamicRangeResult {
  graph: Graph;
  /** Names of the weight tensors stored as int8. */
  quantized: string[];
}

/**
 * Dynamic-range quantization, as the TFLite converter's `optimizations = [DEFAULT]` without data: int8
 * symmetric weights (per channel for convolutions, per tensor for FULLY_CONNECTED), float activations and
 * biases. FULLY_CONNECTED gets `asymmetricQuantizeInputs`, the converter's default since TF 2.7.
 */
export function quantizeDynamicRange(graph: Graph, options: DynamicRangeOptions = {}): DynamicRangeResult {
  const minElements = options.minElements ?? 1024;
  const quantized: string[] = [];
  const subgraphs = graph.subgraphs.map((subgraph): Subgraph => {
    const tensors: Tensor[] = subgraph.tensors.map((t) => ({ ...t }));
    const done = new Map<number, number>();
    const operators = subgraph.operators.map((op) => {
      const rule = HYBRID_WEIGHTS[op.opcode];
      const index = rule ? op.inputs[rule.input] : undefined;
      const weights = index !== undefined && index >= 0 ? subgraph.tensors[index] : undefined;
      if (!rule || !weights?.data || weights.dtype !== 'float32' || weights.data.byteLength / 4 < minElements) return op;
      let int8Index = done.get(index!);
      if (int8Index === undefined) {
        const { data, scales } = quantizeSymmetric(floatConstant(weights).values, weights.shape, rule.axis);
        int8Index = tensors.length;
        tensors.push({
          name: weights.name,
          dtype: 'int8',
          shape: [...weights.shape],
          data: new Uint8Array(data.buffer),
          quantization: { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: Math.max(rule.axis, 0) },
        });
        done.set(index!, int8Index);
        quantized.push(weights.name);
      }
      const inputs = op.inputs.map((i) => (i === index ? int8Index! : i));
      const options = op.opcode === 'FULLY_CONNECTED' ? { ...op.options, asymmetricQuantizeInputs: true } : op.options;
      return { ...op, version: undefined, inputs, ...(options ? { options } : {}) };
    });
    return { ...subgraph, tensors, operators };
  });
  return { graph: { ...graph, subgraphs }, quantized };
}
