import { elementCount, type Graph, type Operator, type Subgraph, type Tensor } from '@borde/tflite';
import {
  boundaryTensors, cloneGraph, floatData, int32Data, isConstant, producers, replaceUses, sameShape,
} from './graph-utils.js';

/**
 * Removes ops that pass their first input through unchanged: RESHAPE to the same shape, TRANSPOSE by the
 * identity permutation, CAST to the same type, ADD/SUB of zeros, MUL/DIV by ones (when the constant does
 * not broadcast the output larger), PAD by zeros, SLICE of everything. Dropout layers never become ops.
 */
export function removeIdentity(graph: Graph): Graph {
  const out = cloneGraph(graph);
  out.subgraphs.forEach((sg, s) => removeInSubgraph(sg, boundaryTensors(out, s)));
  return out;
}

function removeInSubgraph(sg: Subgraph, boundary: Set<number>): void {
  const removed = new Set<Operator>();
  for (const op of sg.operators) {
    if (!isIdentity(sg, op)) continue;
    const input = op.inputs[0]!;
    const output = op.outputs[0]!;
    if (!boundary.has(output)) {
      replaceUses(sg, output, input);
      removed.add(op);
      continue;
    }
    // The output is a model output: let the input's producer write it directly, if the input is free to go.
    const made = producers(sg).get(input);
    if (!made || boundary.has(input) || removed.has(made)) continue;
    made.outputs = made.outputs.map((o) => (o === input ? output : o));
    replaceUses(sg, input, output);
    removed.add(op);
  }
  sg.operators = sg.operators.filter((op) => !removed.has(op));
}

function isIdentity(sg: Subgraph, op: Operator): boolean {
  if (op.outputs.length !== 1 || op.inputs.length < 1 || op.inputs[0]! < 0) return false;
  const x = sg.tensors[op.inputs[0]!]!;
  const y = sg.tensors[op.outputs[0]!]!;
  if (x.dtype !== y.dtype || !sameShape(x.shape, y.shape)) return false;
  if (x.quantization || y.quantization) return false;
  if ((op.options?.['fusedActivationFunction'] ?? 0) !== 0) return false;
  const operand = op.inputs.length > 1 && op.inputs[1]! >= 0 ? sg.tensors[op.inputs[1]!] : undefined;
  switch (op.opcode) {
    case 'RESHAPE':
    case 'SQUEEZE':
    case 'EXPAND_DIMS':
    case 'CAST':
      return !isConstant(x);
    case 'TRANSPOSE': {
      if (!isConstant(operand) || operand.dtype !== 'int32') return false;
      return Array.from(int32Data(operand)).every((p, i) => p === i);
    }
    case 'ADD':
    case 'SUB':
      return constantAll(operand, 0, x.shape);
    case 'MUL':
    case 'DIV':
      return constantAll(operand, 1, x.shape);
    case 'PAD':
    case 'PADV2':
      return isConstant(operand) && operand.dtype === 'int32' && int32Data(operand).every((p) => p === 0);
    case 'SLICE': {
      const size = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? sg.tensors[op.inputs[2]] : undefined;
      return isConstant(operand) && operand.dtype === 'int32' && int32Data(operand).every((b) => b === 0) &&
        isConstant(size) && size.dtype === 'int32' && Array.from(int32Data(size)).every((d, i) => d === -1 || d === x.shape[i]);
    }
    default:
      return false;
  }
}

/** True when `t` is a float constant whose every element is `value` and that does not enlarge `shape`. */
function constantAll(tensor: Tensor | undefined, value: number, shape: number[]): boolean {
  if (!isConstant(tensor) || tensor.dtype !== 'float32') return false;
  if (tensor.shape.length > shape.length || elementCount(tensor.shape) > elementCount(shape)) return false;
  return floatData(tensor).every((v) => v === value);
}
