import { decodeFloat16, elementCount, type Graph, type Operator, type Subgraph, type Tensor } from '@borde/tflite';
import { boundaryTensors, bytesOf, cloneGraph, floatData, int32Data, isConstant } from './graph-utils.js';

type Values = Float32Array | Int32Array;

/**
 * Evaluates, in JS, ops whose inputs are all constants and replaces their outputs with constants:
 * RESHAPE, SQUEEZE, EXPAND_DIMS, TRANSPOSE, CAST, DEQUANTIZE (float16 and int8/uint8 with one scale),
 * element-wise ADD/SUB/MUL/DIV/MAXIMUM/MINIMUM with broadcasting, NEG/SQUARE/SQRT/RSQRT/EXP, and fused
 * RELU/RELU6/RELU_N1_TO_1. Model outputs are never turned into constants.
 */
export function foldConstants(graph: Graph): Graph {
  const out = cloneGraph(graph);
  out.subgraphs.forEach((sg, s) => foldSubgraph(sg, boundaryTensors(out, s)));
  return out;
}

function foldSubgraph(sg: Subgraph, boundary: Set<number>): void {
  const removed = new Set<Operator>();
  for (const op of sg.operators) {
    if (op.outputs.length !== 1 || boundary.has(op.outputs[0]!)) continue;
    const inputs = op.inputs.filter((i) => i >= 0).map((i) => sg.tensors[i]!);
    if (inputs.length === 0 || !inputs.every(isConstant)) continue;
    const output = sg.tensors[op.outputs[0]!]!;
    const values = evaluate(op, inputs, output);
    if (!values || values.length !== elementCount(output.shape)) continue;
    output.data = bytesOf(values).slice();
    // Constants have static shapes; a -1 batch in the signature only makes sense for activations.
    delete output.shapeSignature;
    removed.add(op);
  }
  sg.operators = sg.operators.filter((op) => !removed.has(op));
}

function read(t: Tensor): Values | undefined {
  if (t.dtype === 'float32') return floatData(t);
  if (t.dtype === 'int32') return int32Data(t);
  return undefined;
}

function evaluate(op: Operator, inputs: Tensor[], output: Tensor): Values | undefined {
  const [a, b] = inputs;
  switch (op.opcode) {
    case 'RESHAPE':
    case 'SQUEEZE':
    case 'EXPAND_DIMS': {
      const v = read(a!);
      return v && a!.dtype === output.dtype ? v : undefined;
    }
    case 'TRANSPOSE': {
      const v = read(a!);
      if (!v || b?.dtype !== 'int32') return undefined;
      return transpose(v, a!.shape, Array.from(int32Data(b)));
    }
    case 'CAST': {
      const v = read(a!);
      if (!v) return undefined;
      if (output.dtype === 'float32') return Float32Array.from(v);
      if (output.dtype === 'int32') return Int32Array.from(v, (x) => Math.trunc(x));
      return undefined;
    }
    case 'DEQUANTIZE':
      return output.dtype === 'float32' ? dequantize(a!) : undefined;
    case 'NEG': return unary(a!, (x) => -x);
    case 'SQUARE': return unary(a!, (x) => x * x);
    case 'SQRT': return unary(a!, Math.sqrt);
    case 'RSQRT': return unary(a!, (x) => 1 / Math.sqrt(x));
    case 'EXP': return unary(a!, Math.exp);
    case 'ADD': return binary(op, a!, b!, output, (x, y) => x + y);
    case 'SUB': return binary(op, a!, b!, output, (x, y) => x - y);
    case 'MUL': return binary(op, a!, b!, output, (x, y) => x * y);
    case 'DIV': return binary(op, a!, b!, output, (x, y) => x / y);
    case 'MAXIMUM': return binary(op, a!, b!, output, Math.max);
    case 'MINIMUM': return binary(op, a!, b!, output, Math.min);
    default:
      return undefined;
  }
}

function unary(a: Tensor, f: (x: number) => number): Values | undefined {
  if (a.dtype !== 'float32') return undefined;
  return floatData(a).map(f);
}

const CLAMPS: Record<number, [number, number]> = { 0: [-Infinity, Infinity], 1: [0, Infinity], 2: [-1, 1], 3: [0, 6] };

function binary(op: Operator, a: Tensor, b: Tensor, output: Tensor, f: (x: number, y: number) => number): Values | undefined {
  if (a.dtype !== b.dtype || a.dtype !== output.dtype || (a.dtype !== 'float32' && a.dtype !== 'int32')) return undefined;
  const clamp = CLAMPS[(op.options?.['fusedActivationFunction'] as number | undefined) ?? 0];
  if (!clamp) return undefined;
  const x = read(a)!;
  const y = read(b)!;
  const shape = output.shape;
  const n = elementCount(shape);
  const out = a.dtype === 'float32' ? new Float32Array(n) : new Int32Array(n);
  const ax = broadcastIndexer(a.shape, shape);
  const bx = broadcastIndexer(b.shape, shape);
  if (!ax || !bx) return undefined;
  for (let i = 0; i < n; i++) {
    const v = f(x[ax(i)]!, y[bx(i)]!);
    out[i] = a.dtype === 'int32' && op.opcode === 'DIV' ? Math.floor(v) : Math.min(clamp[1], Math.max(clamp[0], v));
  }
  return out;
}

/** Maps a flat index of `outShape` to the flat index of a tensor of `shape` broadcast to it. */
function broadcastIndexer(shape: number[], outShape: number[]): ((i: number) => number) | undefined {
  const rank = outShape.length;
  if (shape.length > rank) return undefined;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  if (padded.some((d, k) => d !== 1 && d !== outShape[k])) return undefined;
  const inStrides = stridesOf(padded);
  const outStrides = stridesOf(outShape);
  return (i) => {
    let src = 0;
    for (let k = 0; k < rank; k++) {
      const coord = Math.floor(i / outStrides[k]!) % outShape[k]!;
      if (padded[k] !== 1) src += coord * inStrides[k]!;
    }
    return src;
  };
}

function stridesOf(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

function transpose(v: Values, shape: number[], perm: number[]): Values | undefined {
  if (perm.length !== shape.length) return undefined;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = stridesOf(shape);
  const outStrides = stridesOf(outShape);
  const out = v instanceof Float32Array ? new Float32Array(v.length) : new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += (Math.floor(i / outStrides[k]!) % outShape[k]!) * inStrides[perm[k]!]!;
    out[i] = v[src]!;
  }
  return out;
}

function dequantize(t: Tensor): Float32Array | undefined {
  const bytes = t.data!;
  if (t.dtype === 'float16') {
    const copy = bytes.slice();
    return decodeFloat16(new Uint16Array(copy.buffer, 0, copy.byteLength / 2));
  }
  const q = t.quantization;
  if ((t.dtype === 'int8' || t.dtype === 'uint8') && q && q.scale.length === 1) {
    const scale = q.scale[0]!;
    const zero = q.zeroPoint[0] ?? 0;
    const src = t.dtype === 'int8' ? new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
    return Float32Array.from(src, (x) => (x - zero) * scale);
  }
  return undefined;
}
