import type { Graph } from '@borde/tflite';
import { outputTensorsByName } from './model-io.js';

/**
 * Decision resolution (issue #10, item 5): how finely a quantized output can move a probability near 0.5,
 * where a threshold decides. A score output (after LOGISTIC/SOFTMAX) steps by its own scale; a logit output
 * (a sigmoid applied by the app, named with `--logits`) by sigmoid(s/2) - sigmoid(-s/2) = tanh(s/4) for a
 * logit step s (MediaPipe's face detector in int8: a step of 0.84 moves p from 0.5 by 0.2 at once).
 * Outputs computed in float have no step (0). Returns output name -> step, for the outputs asked about.
 */
export function decisionSteps(graph: Graph, names: { logits: ReadonlySet<string>; scores: ReadonlySet<string> }): Map<string, number> {
  const sub = graph.subgraphs[0]!;
  const producer = new Map<number, number>();
  sub.operators.forEach((op, i) => op.outputs.forEach((o) => producer.set(o, i)));
  const steps = new Map<string, number>();
  for (const [name, index] of outputTensorsByName(graph)) {
    const isLogit = names.logits.has(name);
    if (!isLogit && !names.scores.has(name)) continue;
    const step = quantizationStep(graph, index, producer);
    steps.set(name, isLogit ? Math.tanh(step / 4) : step);
  }
  return steps;
}

/** The step of the int8/int16 tensor an output is read from (itself, or the input of its DEQUANTIZE); 0 if float. */
function quantizationStep(graph: Graph, index: number, producer: Map<number, number>): number {
  const sub = graph.subgraphs[0]!;
  const tensor = sub.tensors[index]!;
  if (QUANTIZED.has(tensor.dtype)) return tensor.quantization?.scale[0] ?? 0;
  const op = sub.operators[producer.get(index) ?? -1];
  if (op?.opcode !== 'DEQUANTIZE') return 0;
  const source = sub.tensors[op.inputs[0]!]!;
  return QUANTIZED.has(source.dtype) ? source.quantization?.scale[0] ?? 0 : 0;
}

const QUANTIZED: ReadonlySet<string> = new Set(['int8', 'int16']);
