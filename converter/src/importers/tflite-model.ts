import { decodeFloat16, densifyBytes, dtypeBits, elementCount, readModel, type Graph, type Subgraph, type Tensor } from '@borde/tflite';
import { InvalidSourceError } from '../errors.js';

export interface TfliteImportResult {
  /** The model as a float32 Graph: float16/int8 weights dequantized, sparse weights densified. */
  graph: Graph;
  /** What the user should know but that does not stop the conversion (custom ops kept, float16 left). */
  warnings: string[];
}

/** Integer element types whose non-constant tensors mean the model already runs quantized. */
const QUANTIZED_TYPES = new Set(['int8', 'uint8', 'int16', 'int4']);

/**
 * Imports a float .tflite (float32, or float16/int8 weights behind DEQUANTIZE ops, possibly sparse behind
 * DENSIFY ops) into a float32 Graph whose weights are plain float32 constants, so later passes can re-quantize
 * them. DENSIFY and DEQUANTIZE of constants are evaluated here and removed; tensors that no longer serve
 * are dropped and indices renumbered. Models that are already quantized are refused: they have lost the
 * float values the converter starts from. Custom ops stay as they are and are listed in `warnings`.
 */
export function importTfliteModel(bytes: Uint8Array, source = 'the .tflite model'): TfliteImportResult {
  let graph: Graph;
  try {
    graph = readModel(bytes);
  } catch (cause) {
    throw new InvalidSourceError(`Cannot read ${source}: ${(cause as Error).message}`, { cause });
  }
  const warnings: string[] = [];
  const subgraphs = graph.subgraphs.map((sg, s) => {
    const where = graph.subgraphs.length > 1 ? `${source}, subgraph ${s}` : source;
    refuseQuantized(sg, where);
    foldConstantOps(sg, where);
    const { subgraph, mapping } = dropUnusedTensors(sg);
    warnings.push(...describeLeftovers(subgraph, where));
    return { subgraph, mapping };
  });
  const signatures = graph.signatures.map((sig) => {
    const mapping = subgraphs[sig.subgraphIndex]?.mapping;
    const fix = (t: { name: string; tensorIndex: number }) => ({ name: t.name, tensorIndex: mapping?.get(t.tensorIndex) ?? t.tensorIndex });
    return { ...sig, inputs: sig.inputs.map(fix), outputs: sig.outputs.map(fix) };
  });
  return { graph: { ...graph, subgraphs: subgraphs.map((s) => s.subgraph), signatures }, warnings };
}

function refuseQuantized(sg: Subgraph, where: string): void {
  const quantizeOp = sg.operators.findIndex((op) => op.opcode === 'QUANTIZE');
  const constants = new Set(sg.tensors.flatMap((t, i) => (t.data && t.data.length > 0 ? [i] : [])));
  // A DENSIFY output is a weight too, only stored sparse.
  for (const op of sg.operators) if (op.opcode === 'DENSIFY') op.outputs.forEach((i) => constants.add(i));
  const quantizedActivation = sg.tensors.findIndex((t, i) => QUANTIZED_TYPES.has(t.dtype) && !constants.has(i));
  // Dynamic-range (hybrid) models feed int8 weights straight into compute ops instead of a DEQUANTIZE.
  const hybrid = sg.operators.findIndex((op) => op.opcode !== 'DEQUANTIZE' && op.opcode !== 'DENSIFY' &&
    op.inputs.some((i) => i >= 0 && constants.has(i) && QUANTIZED_TYPES.has(sg.tensors[i]!.dtype) && sg.tensors[i]!.quantization !== undefined));
  const evidence = quantizeOp >= 0
    ? `operators[${quantizeOp}] is QUANTIZE`
    : quantizedActivation >= 0
      ? `tensor '${sg.tensors[quantizedActivation]!.name}' is a ${sg.tensors[quantizedActivation]!.dtype} activation`
      : hybrid >= 0
        ? `operators[${hybrid}] (${sg.operators[hybrid]!.opcode}) computes with quantized weights (dynamic-range model)`
        : undefined;
  if (evidence !== undefined) {
    throw new InvalidSourceError(
      `${where} is already quantized (${evidence}). The converter needs a float model (float32, or float16 weights): ` +
      'convert from the original float model (tfjs model.json or a float .tflite) instead.',
    );
  }
}

/**
 * Evaluates DENSIFY and DEQUANTIZE ops whose input is a constant: their output tensor becomes that constant
 * (float32 for DEQUANTIZE) and the op is removed. Edits `sg` in place; ops run in order, so a DENSIFY
 * folded first feeds the DEQUANTIZE after it.
 */
function foldConstantOps(sg: Subgraph, where: string): void {
  const tensors = sg.tensors.map((t) => ({ ...t }));
  const kept = [];
  for (const op of sg.operators) {
    const input = op.inputs[0] !== undefined && op.inputs[0] >= 0 ? tensors[op.inputs[0]] : undefined;
    const outputIndex = op.outputs[0];
    const foldable = (op.opcode === 'DENSIFY' || op.opcode === 'DEQUANTIZE') && input?.data !== undefined && input.data.length > 0
      && op.outputs.length === 1 && outputIndex !== undefined && !sg.outputs.includes(outputIndex);
    if (!foldable) {
      kept.push(op);
      continue;
    }
    const output = tensors[outputIndex]!;
    const label = `'${input.name}'`;
    if (op.opcode === 'DENSIFY') {
      const bits = dtypeBits(input.dtype);
      if (bits === undefined || bits % 8 !== 0) {
        kept.push(op); // sub-byte or variable-size elements: leave the op to the interpreter
        continue;
      }
      const dense = densifyBytes(input.data!, bits / 8, output.shape, input.sparsity, `${label} in ${where}`);
      tensors[outputIndex] = { ...output, data: dense, sparsity: undefined };
    } else {
      tensors[outputIndex] = { ...output, dtype: 'float32', data: dequantize(input, `${label} in ${where}`), quantization: undefined };
    }
  }
  sg.tensors = tensors;
  sg.operators = kept;
}

/** float16 bits -> float32; int8/uint8/int16/int32 with scale and zero point -> float32 (per tensor or per channel). */
function dequantize(t: Tensor, where: string): Uint8Array {
  const n = elementCount(t.shape);
  const bytes = t.data!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let values: Float32Array;
  if (t.dtype === 'float16') {
    const bits = new Uint16Array(n);
    for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true);
    values = decodeFloat16(bits);
  } else if (t.dtype === 'float32') {
    values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = view.getFloat32(4 * i, true);
  } else {
    const read = integerReader(t.dtype, view, where);
    const q = t.quantization;
    if (!q || q.scale.length === 0) throw new InvalidSourceError(`DEQUANTIZE of ${where}: the ${t.dtype} constant has no scale.`);
    const axis = q.scale.length > 1 ? q.quantizedDimension : -1;
    const inner = axis >= 0 ? elementCount(t.shape.slice(axis + 1)) : 1;
    const channels = axis >= 0 ? t.shape[axis]! : 1;
    values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const c = axis >= 0 ? Math.floor(i / inner) % channels : 0;
      values[i] = (read(i) - (q.zeroPoint[c] ?? 0)) * q.scale[c]!;
    }
  }
  return new Uint8Array(values.buffer);
}

function integerReader(dtype: string, view: DataView, where: string): (i: number) => number {
  switch (dtype) {
    case 'int8': return (i) => view.getInt8(i);
    case 'uint8': return (i) => view.getUint8(i);
    case 'int16': return (i) => view.getInt16(2 * i, true);
    case 'int32': return (i) => view.getInt32(4 * i, true);
    default: throw new InvalidSourceError(`DEQUANTIZE of ${where}: ${dtype} constants are not a TFLite dequantize input.`);
  }
}

/**
 * Keeps the tensors operators, inputs and outputs still use, in their order, and renumbers every reference.
 * Returns the old -> new index mapping for the signatures.
 */
function dropUnusedTensors(sg: Subgraph): { subgraph: Subgraph; mapping: Map<number, number> } {
  const used = new Set<number>([...sg.inputs, ...sg.outputs]);
  for (const op of sg.operators) {
    for (const i of [...op.inputs, ...op.outputs, ...(op.intermediates ?? [])]) if (i >= 0) used.add(i);
  }
  const mapping = new Map<number, number>();
  const tensors: Tensor[] = [];
  sg.tensors.forEach((t, i) => {
    if (!used.has(i)) return;
    mapping.set(i, tensors.length);
    tensors.push(t);
  });
  const map = (i: number): number => (i < 0 ? i : mapping.get(i)!);
  return {
    subgraph: {
      ...sg,
      tensors,
      operators: sg.operators.map((op) => ({
        ...op,
        inputs: op.inputs.map(map),
        outputs: op.outputs.map(map),
        ...(op.intermediates ? { intermediates: op.intermediates.map(map) } : {}),
      })),
      inputs: sg.inputs.map(map),
      outputs: sg.outputs.map(map),
    },
    mapping,
  };
}

/** Warnings for what the import kept as it was: custom ops, and float16 math that was not folded away. */
function describeLeftovers(sg: Subgraph, where: string): string[] {
  const warnings: string[] = [];
  const custom = new Map<string, number>();
  for (const op of sg.operators) if (op.opcode === 'CUSTOM') custom.set(op.customCode ?? '?', (custom.get(op.customCode ?? '?') ?? 0) + 1);
  for (const [code, count] of custom) {
    warnings.push(
      `${where}: custom op ${code} (${count}x) kept as is; it runs only in interpreters that register it ` +
      '(LiteRT with MediaPipe ops does; tfjs-tflite and stock TFLite do not), and it will stay float when quantizing.',
    );
  }
  const leftover = sg.operators.filter((op) => op.opcode === 'DEQUANTIZE' || op.opcode === 'DENSIFY');
  if (leftover.length > 0) {
    warnings.push(`${where}: ${leftover.length} DEQUANTIZE/DENSIFY op(s) on non-constant inputs kept as they are.`);
  }
  const half = sg.tensors.filter((t) => t.dtype === 'float16' && !(t.data && t.data.length > 0));
  if (half.length > 0) warnings.push(`${where}: ${half.length} float16 activation tensor(s) kept (e.g. '${half[0]!.name}').`);
  return warnings;
}
