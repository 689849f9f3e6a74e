import type { Graph, Operator, Subgraph, Tensor } from '@borde/tflite';

/** A copy of the graph whose subgraphs, tensors and operators may be edited (constant bytes are shared, never written). */
export function cloneGraph(graph: Graph): Graph {
  return {
    ...graph,
    subgraphs: graph.subgraphs.map((sg) => ({
      ...sg,
      tensors: sg.tensors.map((t) => ({ ...t, shape: t.shape.slice(), ...(t.shapeSignature ? { shapeSignature: t.shapeSignature.slice() } : {}) })),
      operators: sg.operators.map((op) => ({
        ...op,
        inputs: op.inputs.slice(),
        outputs: op.outputs.slice(),
        ...(op.options ? { options: { ...op.options } } : {}),
      })),
      inputs: sg.inputs.slice(),
      outputs: sg.outputs.slice(),
    })),
    signatures: graph.signatures.map((s) => ({
      ...s,
      inputs: s.inputs.map((t) => ({ ...t })),
      outputs: s.outputs.map((t) => ({ ...t })),
    })),
    metadata: graph.metadata.slice(),
  };
}

/** Tensors that must survive every rewrite of subgraph `s`: its inputs and outputs, and those of signatures. */
export function boundaryTensors(graph: Graph, s: number): Set<number> {
  const sg = graph.subgraphs[s]!;
  const set = new Set<number>([...sg.inputs, ...sg.outputs]);
  for (const sig of graph.signatures) {
    if (sig.subgraphIndex !== s) continue;
    for (const t of [...sig.inputs, ...sig.outputs]) set.add(t.tensorIndex);
  }
  return set;
}

/** Operators reading each tensor (an operator appears once per input slot that reads it). */
export function consumers(sg: Subgraph): Map<number, Operator[]> {
  const map = new Map<number, Operator[]>();
  for (const op of sg.operators) {
    for (const i of op.inputs) {
      if (i < 0) continue;
      const list = map.get(i);
      if (list) list.push(op);
      else map.set(i, [op]);
    }
  }
  return map;
}

export function producers(sg: Subgraph): Map<number, Operator> {
  const map = new Map<number, Operator>();
  for (const op of sg.operators) for (const o of op.outputs) map.set(o, op);
  return map;
}

export function isConstant(t: Tensor | undefined): t is Tensor & { data: Uint8Array } {
  return t !== undefined && t.data !== undefined && t.data.length > 0 && !t.isVariable && t.sparsity == null;
}

/** Constant float32 contents (a copy, so unaligned buffers read safely). */
export function floatData(t: Tensor): Float32Array {
  const bytes = t.data!.slice();
  return new Float32Array(bytes.buffer, 0, bytes.length / 4);
}

export function int32Data(t: Tensor): Int32Array {
  const bytes = t.data!.slice();
  return new Int32Array(bytes.buffer, 0, bytes.length / 4);
}

export function bytesOf(values: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Replaces every operator input reading `from` with `to`. */
export function replaceUses(sg: Subgraph, from: number, to: number): void {
  for (const op of sg.operators) {
    for (let k = 0; k < op.inputs.length; k++) if (op.inputs[k] === from) op.inputs[k] = to;
  }
}

/** Appends a constant float32 tensor and returns its index. */
export function addFloatConstant(sg: Subgraph, name: string, shape: number[], values: Float32Array): number {
  sg.tensors.push({ name, dtype: 'float32', shape: shape.slice(), data: bytesOf(values) });
  return sg.tensors.length - 1;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
