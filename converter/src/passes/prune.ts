import type { Graph, Subgraph } from '@borde/tflite';
import { boundaryTensors, cloneGraph } from './graph-utils.js';

/** Ops kept even when nothing reads their outputs: they act on state or call other subgraphs. */
const SIDE_EFFECTS = new Set(['CUSTOM', 'ASSIGN_VARIABLE', 'CALL_ONCE', 'VAR_HANDLE', 'READ_VARIABLE', 'WHILE', 'IF', 'CALL']);

/**
 * Drops operators whose outputs nobody reads (and that are not model outputs), then tensors no operator,
 * subgraph boundary or signature refers to, and renumbers the remaining tensors in their original order.
 */
export function prune(graph: Graph): Graph {
  const out = cloneGraph(graph);
  out.subgraphs.forEach((sg, s) => {
    const boundary = boundaryTensors(out, s);
    dropDeadOperators(sg, boundary);
    const remap = dropUnusedTensors(sg, boundary);
    for (const sig of out.signatures) {
      if (sig.subgraphIndex !== s) continue;
      for (const t of [...sig.inputs, ...sig.outputs]) t.tensorIndex = remap.get(t.tensorIndex)!;
    }
  });
  return out;
}

function dropDeadOperators(sg: Subgraph, boundary: Set<number>): void {
  for (let changed = true; changed;) {
    changed = false;
    const read = new Set<number>(boundary);
    for (const op of sg.operators) for (const i of op.inputs) if (i >= 0) read.add(i);
    const kept = sg.operators.filter((op) => SIDE_EFFECTS.has(op.opcode) || op.outputs.some((o) => read.has(o)));
    if (kept.length !== sg.operators.length) {
      sg.operators = kept;
      changed = true;
    }
  }
}

function dropUnusedTensors(sg: Subgraph, boundary: Set<number>): Map<number, number> {
  const used = new Set<number>(boundary);
  for (const op of sg.operators) {
    for (const i of [...op.inputs, ...op.outputs, ...(op.intermediates ?? [])]) if (i >= 0) used.add(i);
  }
  const remap = new Map<number, number>();
  const tensors = [];
  for (let i = 0; i < sg.tensors.length; i++) {
    if (!used.has(i)) continue;
    remap.set(i, tensors.length);
    tensors.push(sg.tensors[i]!);
  }
  const map = (i: number) => (i < 0 ? i : remap.get(i)!);
  sg.tensors = tensors;
  for (const op of sg.operators) {
    op.inputs = op.inputs.map(map);
    op.outputs = op.outputs.map(map);
    if (op.intermediates) op.intermediates = op.intermediates.map(map);
  }
  sg.inputs = sg.inputs.map(map);
  sg.outputs = sg.outputs.map(map);
  return remap;
}
