import type { DType, Graph, Quantization, Tensor } from '@borde/tflite';

/** One operand of a single-op test model: a run-time input unless `constant`. */
export interface Operand {
  shape: number[];
  data: number[];
  dtype?: DType;
  constant?: boolean;
  quantization?: Quantization;
}

export interface OneOp {
  opcode: string;
  customCode?: string;
  options?: Record<string, unknown>;
  customOptions?: Uint8Array;
  /** null marks an omitted optional input (-1). */
  inputs: (Operand | null)[];
  outputs: { shape: number[]; dtype?: DType; quantization?: Quantization }[];
}

function bytesOf(dtype: DType, data: number[]): Uint8Array {
  const arr = dtype === 'int32' ? Int32Array.from(data)
    : dtype === 'int8' ? Int8Array.from(data)
    : dtype === 'uint8' || dtype === 'bool' ? Uint8Array.from(data)
    : dtype === 'int16' ? Int16Array.from(data)
    : dtype === 'int64' ? BigInt64Array.from(data.map(BigInt))
    : Float32Array.from(data);
  return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
}

/** A Graph of one operator: non-constant operands become the model inputs, in order. */
export function oneOpGraph(spec: OneOp): Graph {
  const tensors: Tensor[] = [];
  const graphInputs: number[] = [];
  const opInputs = spec.inputs.map((operand, i) => {
    if (!operand) return -1;
    const dtype = operand.dtype ?? 'float32';
    const t: Tensor = { name: `in${i}`, dtype, shape: operand.shape };
    if (operand.quantization) t.quantization = operand.quantization;
    if (operand.constant) t.data = bytesOf(dtype, operand.data);
    tensors.push(t);
    if (!operand.constant) graphInputs.push(tensors.length - 1);
    return tensors.length - 1;
  });
  const opOutputs = spec.outputs.map((o, i) => {
    const t: Tensor = { name: `out${i}`, dtype: o.dtype ?? 'float32', shape: o.shape };
    if (o.quantization) t.quantization = o.quantization;
    tensors.push(t);
    return tensors.length - 1;
  });
  return {
    version: 3,
    description: 'one-op test model',
    subgraphs: [{
      name: 'main',
      tensors,
      inputs: graphInputs,
      outputs: opOutputs,
      operators: [{
        opcode: spec.opcode,
        ...(spec.customCode ? { customCode: spec.customCode } : {}),
        inputs: opInputs,
        outputs: opOutputs,
        ...(spec.options ? { options: spec.options } : {}),
        ...(spec.customOptions ? { customOptions: spec.customOptions } : {}),
      }],
    }],
    signatures: [],
    metadata: [],
  };
}

/** Deterministic pseudo-random values in [lo, hi) (mulberry32). */
export function seeded(count: number, seed: number, lo = -1, hi = 1): number[] {
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out.push(lo + r * (hi - lo));
  }
  return out;
}
