import { encodeFloat16, type Graph, type Operator, type Subgraph, type Tensor } from '@borde/tflite';

/**
 * Stores float32 constants as float16 with a DEQUANTIZE op in front of their consumers: the layout the TFLite
 * converter writes for `target_spec.supported_types = [tf.float16]`. Interpreters dequantize once at
 * prepare time, so the file halves and the arithmetic stays float32.
 * Like TFLite, every float32 constant is converted; integer constants (shapes, indices) are untouched.
 */
export function toFloat16Weights(graph: Graph): Graph {
  return { ...graph, subgraphs: graph.subgraphs.map(convertSubgraph) };
}

function convertSubgraph(subgraph: Subgraph): Subgraph {
  const tensors: Tensor[] = subgraph.tensors.map((t) => ({ ...t }));
  const dequantizeOps: Operator[] = [];
  subgraph.tensors.forEach((tensor, index) => {
    if (tensor.dtype !== 'float32' || !tensor.data || tensor.isVariable || tensor.sparsity) return;
    const values = new Float32Array(tensor.data.buffer.slice(tensor.data.byteOffset, tensor.data.byteOffset + tensor.data.byteLength));
    const half = encodeFloat16(values);
    const halfIndex = tensors.length;
    tensors.push({ name: `${tensor.name}/float16`, dtype: 'float16', shape: [...tensor.shape], data: new Uint8Array(half.buffer) });
    // The original index now names the float32 result of DEQUANTIZE, so consumers need no renumbering.
    tensors[index] = { name: tensor.name, dtype: 'float32', shape: [...tensor.shape] };
    dequantizeOps.push({ opcode: 'DEQUANTIZE', inputs: [halfIndex], outputs: [index] });
  });
  if (dequantizeOps.length === 0) return subgraph;
  return { ...subgraph, tensors, operators: [...dequantizeOps, ...subgraph.operators] };
}
