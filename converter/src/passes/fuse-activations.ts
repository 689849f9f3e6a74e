import type { Graph, Operator, Subgraph } from '@borde/tflite';
import { boundaryTensors, cloneGraph, consumers, producers } from './graph-utils.js';

/** ActivationFunctionType values of the activation ops that can be fused. */
const FUSABLE_ACTIVATIONS: Record<string, number> = { RELU: 1, RELU_N1_TO_1: 2, RELU6: 3 };

/**
 * Ops whose float kernels apply a fused activation. TANH is left out on purpose: the schema allows it,
 * but TFLite's CalculateActivationRange only clamps for RELU/RELU_N1_TO_1/RELU6 and silently ignores TANH,
 * so fusing it would change results. CONCATENATION is left out too: its kernel requires NONE.
 */
const FUSING_PRODUCERS = new Set([
  'CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED', 'TRANSPOSE_CONV', 'ADD', 'SUB', 'MUL', 'DIV',
  'MAX_POOL_2D', 'AVERAGE_POOL_2D',
]);

/** Fuses RELU / RELU6 / RELU_N1_TO_1 into the op producing their input, when nothing else reads that input. */
export function fuseActivations(graph: Graph): Graph {
  const out = cloneGraph(graph);
  out.subgraphs.forEach((sg, s) => fuseSubgraph(sg, boundaryTensors(out, s)));
  return out;
}

function fuseSubgraph(sg: Subgraph, boundary: Set<number>): void {
  const removed = new Set<Operator>();
  const made = producers(sg);
  const readers = consumers(sg);
  for (const act of sg.operators) {
    const fused = FUSABLE_ACTIVATIONS[act.opcode];
    if (fused === undefined || act.inputs.length !== 1) continue;
    const t = act.inputs[0]!;
    const producer = made.get(t);
    if (!producer || removed.has(producer) || !FUSING_PRODUCERS.has(producer.opcode)) continue;
    if (producer.outputs.length !== 1 || boundary.has(t) || (readers.get(t) ?? []).length !== 1) continue;
    if (!producer.optionsType || (producer.options?.['fusedActivationFunction'] ?? 0) !== 0) continue;
    if (sg.tensors[t]!.dtype !== 'float32') continue;
    producer.options = { ...(producer.options ?? {}), fusedActivationFunction: fused };
    producer.outputs[0] = act.outputs[0]!;
    made.set(act.outputs[0]!, producer);
    removed.add(act);
  }
  sg.operators = sg.operators.filter((op) => !removed.has(op));
}
