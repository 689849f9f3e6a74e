import { dtypeByteLength, tensorTypeFromDType } from './dtypes.js';
import type { InvalidModelReason } from './errors.js';
import type { Graph, Operator, Quantization, Subgraph, Tensor } from './graph.js';
import { builtinCode } from './opcodes.js';

/**
 * Reports a defect and does not return: the reader throws InvalidModelError, the writer InvalidGraphError.
 * `path` locates the defect (e.g. `subgraphs[0].operators[12].inputs[1]`).
 */
export type ValidationFailure = (reason: InvalidModelReason, path: string, detail: string) => never;

/**
 * Highest tensor rank accepted. TFLite kernels handle at most 6 dimensions (8 for a few such as
 * BROADCAST_TO), and only shape-agnostic ops go further; 16 leaves room for those while keeping a hostile
 * file from declaring million-dimension shapes.
 */
export const MAX_RANK = 16;

/** Largest value a dimension can hold: the schema stores dimensions as int32. */
const MAX_DIMENSION = 0x7fffffff;

/** Options fields that name a subgraph (control flow and StableHLO ops). */
const SUBGRAPH_OPTION = /SubgraphIndex$|SubgraphIndices$|^subgraph$|^calledComputations$/;

/**
 * Checks everything about a Graph that an interpreter relies on: tensor indices in range (-1 only where an
 * operand may be omitted), shapes, dtypes, constant data sizes against shape and dtype, quantization
 * parameters, subgraph references, signatures, and execution order (every operator reads only tensors that
 * are constant, subgraph inputs, variables, or written by an earlier operator; no tensor written twice).
 * Calls `fail` at the first defect. Linear in the size of the graph.
 */
export function validateGraph(graph: Graph, fail: ValidationFailure): void {
  if (!Array.isArray(graph.subgraphs) || graph.subgraphs.length === 0) {
    fail('structure', 'subgraphs', 'the model has no subgraph; the first subgraph is the one interpreters run');
  }
  const verifiedStrings = new WeakSet<Uint8Array>();
  graph.subgraphs.forEach((subgraph, s) => {
    validateSubgraph(subgraph, `subgraphs[${s}]`, graph.subgraphs.length, verifiedStrings, fail);
  });
  (graph.signatures ?? []).forEach((signature, i) => {
    const path = `signatures[${i}]`;
    const subgraph = graph.subgraphs[signature.subgraphIndex];
    if (!Number.isInteger(signature.subgraphIndex) || subgraph === undefined) {
      fail('index', `${path}.subgraphIndex`, `subgraph ${signature.subgraphIndex} ${rangeText(graph.subgraphs.length, 'subgraph')}`);
    }
    for (const side of ['inputs', 'outputs'] as const) {
      signature[side].forEach((entry, j) => {
        checkTensorIndex(entry.tensorIndex, subgraph.tensors.length, false, `${path}.${side}[${j}].tensorIndex`, fail);
      });
    }
  });
  (graph.metadata ?? []).forEach((entry, i) => {
    if (typeof entry.name !== 'string' || !(entry.data instanceof Uint8Array)) {
      fail('structure', `metadata[${i}]`, 'a metadata entry needs a name (string) and data (Uint8Array)');
    }
  });
}

function validateSubgraph(
  subgraph: Subgraph,
  path: string,
  subgraphCount: number,
  verifiedStrings: WeakSet<Uint8Array>,
  fail: ValidationFailure,
): void {
  const tensorCount = subgraph.tensors.length;
  const elementCounts = subgraph.tensors.map((tensor, t) =>
    validateTensor(tensor, `${path}.tensors[${t}]`, verifiedStrings, fail),
  );

  // Tensors an operator may read without an earlier operator writing them.
  const ready = new Uint8Array(tensorCount);
  subgraph.tensors.forEach((tensor, t) => {
    if (tensor.data !== undefined || tensor.isVariable || elementCounts[t] === 0) ready[t] = 1;
  });
  subgraph.inputs.forEach((index, i) => {
    checkTensorIndex(index, tensorCount, false, `${path}.inputs[${i}]`, fail);
    ready[index] = 1;
  });

  // Which operator writes each tensor; a tensor has at most one writer.
  const writer = new Int32Array(tensorCount).fill(-1);
  subgraph.operators.forEach((op, o) => {
    const opPath = `${path}.operators[${o}]`;
    validateOperator(op, opPath, tensorCount, subgraphCount, fail);
    op.outputs.forEach((index, i) => {
      if (index === -1) return;
      const previous = writer[index]!;
      if (previous !== -1) {
        fail('order', `${opPath}.outputs[${i}]`, `tensor ${describeTensor(subgraph, index)} is already written by operator ${describeOperator(subgraph, previous)}; a tensor has one writer`);
      }
      writer[index] = o;
    });
  });

  subgraph.operators.forEach((op, o) => {
    op.inputs.forEach((index, i) => {
      if (index === -1 || ready[index]) return;
      const producer = writer[index]!;
      if (producer === -1) {
        fail('order', `${path}.operators[${o}].inputs[${i}]`, `tensor ${describeTensor(subgraph, index)} is read but never written: it is not constant data, a subgraph input, a variable, or the output of an operator`);
      }
      if (producer >= o) {
        fail('order', `${path}.operators[${o}].inputs[${i}]`, `tensor ${describeTensor(subgraph, index)} is written by operator ${describeOperator(subgraph, producer)}, which does not run before operator ${describeOperator(subgraph, o)} that reads it; operators must be in execution order and the graph must have no cycle`);
      }
    });
  });

  subgraph.outputs.forEach((index, i) => {
    checkTensorIndex(index, tensorCount, false, `${path}.outputs[${i}]`, fail);
    if (!ready[index] && writer[index] === -1) {
      fail('order', `${path}.outputs[${i}]`, `tensor ${describeTensor(subgraph, index)} is a subgraph output but nothing writes it`);
    }
  });
}

/** Checks one tensor and returns its element count. */
function validateTensor(tensor: Tensor, path: string, verifiedStrings: WeakSet<Uint8Array>, fail: ValidationFailure): number {
  const { dtype } = tensor;
  if (typeof dtype !== 'string' || tensorTypeFromDType(dtype) === undefined) {
    fail('dtype', `${path}.dtype`, `unknown dtype ${String(dtype)}`);
  }
  const count = checkShape(tensor.shape, 0, `${path}.shape`, fail);
  if (tensor.shapeSignature !== undefined) {
    checkShape(tensor.shapeSignature, -1, `${path}.shapeSignature`, fail);
    if (tensor.shapeSignature.length !== tensor.shape.length) {
      fail('shape', `${path}.shapeSignature`, `rank ${tensor.shapeSignature.length} differs from the rank ${tensor.shape.length} of the shape`);
    }
  }
  if (tensor.data !== undefined) {
    if (!(tensor.data instanceof Uint8Array)) fail('structure', `${path}.data`, 'constant data must be a Uint8Array');
    if (tensor.sparsity === undefined) checkDataSize(tensor, count, path, verifiedStrings, fail);
  }
  if (tensor.quantization !== undefined) checkQuantization(tensor.quantization, tensor.shape, `${path}.quantization`, fail);
  return count;
}

/** Validates dimensions (each >= `lowest`) and returns the element count, which must stay an exact number. */
function checkShape(shape: readonly number[], lowest: number, path: string, fail: ValidationFailure): number {
  if (!Array.isArray(shape)) fail('shape', path, 'a shape must be an array of dimensions');
  if (shape.length > MAX_RANK) fail('shape', path, `rank ${shape.length} exceeds the maximum rank ${MAX_RANK}`);
  let count = 1;
  shape.forEach((dimension, i) => {
    if (!Number.isInteger(dimension) || dimension < lowest || dimension > MAX_DIMENSION) {
      const allowed = lowest < 0 ? '-1 (unknown) or 0..2147483647' : '0..2147483647';
      fail('shape', `${path}[${i}]`, `dimension ${dimension} is not in ${allowed}`);
    }
    // An unknown dimension (-1) counts as 1, the size interpreters allocate until the input is resized.
    count *= dimension === -1 ? 1 : dimension;
  });
  if (count > Number.MAX_SAFE_INTEGER) {
    fail('shape', path, `shape [${shape.join(', ')}] has more than 2^53 elements`);
  }
  return count;
}

function checkDataSize(tensor: Tensor, count: number, path: string, verifiedStrings: WeakSet<Uint8Array>, fail: ValidationFailure): void {
  const data = tensor.data!;
  if (tensor.dtype === 'string') {
    checkStringData(data, count, `${path}.data`, verifiedStrings, fail);
    return;
  }
  const expected = dtypeByteLength(tensor.dtype, count);
  if (expected !== undefined && data.length !== expected) {
    fail('buffer-size', `${path}.data`, `constant data has ${data.length} bytes but shape [${tensor.shape.join(', ')}] of ${tensor.dtype} needs ${expected}`);
  }
}

/**
 * TFLite string tensors: int32 count, then count + 1 int32 offsets from the start of the buffer, then the
 * bytes. Shared buffers are checked once (a hostile file could point many tensors at one long buffer).
 */
function checkStringData(data: Uint8Array, count: number, path: string, verified: WeakSet<Uint8Array>, fail: ValidationFailure): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 4) fail('buffer-size', path, `string data has ${data.length} bytes, too few for its header`);
  const stored = view.getInt32(0, true);
  if (stored !== count) fail('buffer-size', path, `string data holds ${stored} strings but the shape has ${count} elements`);
  if (verified.has(data)) return;
  const header = 4 * (count + 2);
  if (data.length < header) fail('buffer-size', path, `string data has ${data.length} bytes, too few for ${count} string offsets`);
  let previous = header;
  for (let i = 0; i <= count; i++) {
    const offset = view.getInt32(4 * (i + 1), true);
    if (offset < previous || offset > data.length || (i === 0 && offset !== header)) {
      fail('buffer-size', path, `string offset ${i} (${offset}) is out of order or outside the ${data.length}-byte data`);
    }
    previous = offset;
  }
  if (previous !== data.length) fail('buffer-size', path, `string data ends at ${previous} but has ${data.length} bytes`);
  verified.add(data);
}

/** The rules of TFLite's InterpreterBuilder::ParseQuantization, plus finite scales. */
function checkQuantization(q: Quantization, shape: readonly number[], path: string, fail: ValidationFailure): void {
  const scales = q.scale ?? [];
  const zeroPoints = q.zeroPoint ?? [];
  if (scales.length === 0) return;
  if (zeroPoints.length !== scales.length) {
    fail('structure', `${path}.zeroPoint`, `${zeroPoints.length} zero points for ${scales.length} scales; they must match one to one`);
  }
  scales.forEach((scale, i) => {
    if (typeof scale !== 'number' || !Number.isFinite(scale)) fail('structure', `${path}.scale[${i}]`, `scale ${scale} is not a finite number`);
  });
  zeroPoints.forEach((zeroPoint, i) => {
    if (!Number.isSafeInteger(zeroPoint)) fail('structure', `${path}.zeroPoint[${i}]`, `zero point ${zeroPoint} is not an integer`);
  });
  const axis = q.quantizedDimension ?? 0;
  if (!Number.isInteger(axis) || axis < 0 || (shape.length > 0 && axis >= shape.length)) {
    fail('shape', `${path}.quantizedDimension`, `quantized dimension ${axis} is not an axis of shape [${shape.join(', ')}]`);
  }
  if (scales.length !== 1 && shape.length > 0 && scales.length !== shape[axis]) {
    fail('shape', `${path}.scale`, `${scales.length} scales for axis ${axis} of shape [${shape.join(', ')}]; per-channel quantization needs ${shape[axis]} (one per channel), per-tensor needs 1`);
  }
}

function validateOperator(op: Operator, path: string, tensorCount: number, subgraphCount: number, fail: ValidationFailure): void {
  if (op.opcode === 'CUSTOM') {
    if (typeof op.customCode !== 'string' || op.customCode === '') {
      fail('structure', `${path}.customCode`, 'a CUSTOM operator needs the name of its implementation (customCode)');
    }
  } else if (typeof op.opcode !== 'string' || builtinCode(op.opcode) === undefined) {
    fail('structure', `${path}.opcode`, `unknown builtin operator ${String(op.opcode)}`);
  }
  op.inputs.forEach((index, i) => checkTensorIndex(index, tensorCount, true, `${path}.inputs[${i}]`, fail));
  // The interpreters accept -1 (omitted) for outputs and intermediates too.
  op.outputs.forEach((index, i) => checkTensorIndex(index, tensorCount, true, `${path}.outputs[${i}]`, fail));
  (op.intermediates ?? []).forEach((index, i) => checkTensorIndex(index, tensorCount, true, `${path}.intermediates[${i}]`, fail));
  for (const [key, value] of Object.entries(op.options ?? {})) {
    if (!SUBGRAPH_OPTION.test(key)) continue;
    const indices = Array.isArray(value) ? value : [value];
    indices.forEach((index) => {
      if (typeof index === 'number' && !(Number.isInteger(index) && index >= 0 && index < subgraphCount)) {
        fail('index', `${path}.options.${key}`, `subgraph ${index} ${rangeText(subgraphCount, 'subgraph')}`);
      }
    });
  }
}

function checkTensorIndex(index: number, tensorCount: number, optional: boolean, path: string, fail: ValidationFailure): void {
  if (Number.isInteger(index) && index >= 0 && index < tensorCount) return;
  if (optional && index === -1) return;
  fail('index', path, `tensor ${index} ${rangeText(tensorCount, 'tensor')}${optional ? ' (-1 marks an omitted optional operand)' : ''}`);
}

function rangeText(count: number, what: string): string {
  return count === 0 ? `out of range (there is no ${what})` : `out of range (0..${count - 1})`;
}

function describeTensor(subgraph: Subgraph, index: number): string {
  const name = subgraph.tensors[index]?.name;
  return name ? `${index} '${name}'` : String(index);
}

function describeOperator(subgraph: Subgraph, index: number): string {
  const op = subgraph.operators[index]!;
  return `${index} (${op.opcode === 'CUSTOM' ? `custom:${op.customCode}` : op.opcode})`;
}
