import type { Graph } from '@borde/tflite';
import type { TensorValue } from '../verify/tensor-value.js';
import { INT8_MAX, INT8_MIN, roundHalfAwayFromZero } from './params.js';

/**
 * Float samples made ready for a quantized model: inputs the model takes as int8 (`--io int8`) are quantized
 * with the input's own scale and zero point, as an app would do; float inputs pass through.
 */
export function samplesFor(graph: Graph, samples: TensorValue[][]): TensorValue[][] {
  const subgraph = graph.subgraphs[0]!;
  return samples.map((inputs) => inputs.map((input, i) => {
    const tensor = subgraph.tensors[subgraph.inputs[i]!]!;
    if (tensor.dtype !== 'int8') return input;
    const { scale, zeroPoint } = tensor.quantization!;
    const data = new Int8Array(input.data.length);
    input.data.forEach((v: number | bigint, k: number) => {
      data[k] = Math.max(INT8_MIN, Math.min(INT8_MAX, roundHalfAwayFromZero(Number(v) / scale[0]!) + zeroPoint[0]!));
    });
    return { dtype: 'int8', shape: input.shape, data, ...(input.name ? { name: input.name } : {}) };
  }));
}

/**
 * Model outputs as float values, by output name: int8 outputs (`--io int8`) dequantized with the parameters
 * of the tensor the signature names (interpreters list outputs in signature order, not the subgraph's).
 */
export function outputsAsFloat(graph: Graph, outputs: TensorValue[]): TensorValue[] {
  const subgraph = graph.subgraphs[0]!;
  const bySignature = new Map((graph.signatures[0]?.outputs ?? []).map((o) => [o.name, o.tensorIndex]));
  return outputs.map((output, i) => {
    if (output.dtype === 'float32') return output;
    const index = (output.name !== undefined ? bySignature.get(output.name) : undefined) ?? subgraph.outputs[i]!;
    const q = subgraph.tensors[index]!.quantization;
    const scale = q?.scale[0] ?? 1;
    const zeroPoint = q?.zeroPoint[0] ?? 0;
    const data = Float32Array.from(output.data as Int8Array, (v) => (v - zeroPoint) * scale);
    return { dtype: 'float32', shape: output.shape, data, ...(output.name !== undefined ? { name: output.name } : {}) };
  });
}

/** Output name (signature name, else tensor name) -> tensor index, in the model's output order. */
export function outputTensorsByName(graph: Graph): Map<string, number> {
  const sub = graph.subgraphs[0]!;
  const signature = graph.signatures[0]?.outputs;
  return new Map(signature?.length
    ? signature.map((o) => [o.name, o.tensorIndex])
    : sub.outputs.map((t) => [sub.tensors[t]!.name, t]));
}
