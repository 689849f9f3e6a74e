import type { DType } from './dtypes.js';
import type { Operator, Subgraph, Tensor } from './graph.js';

/**
 * Operator versions chosen the way the TFLite converter chooses them: a port of
 * `GetBuiltinOperatorVersion` (tensorflow/lite/tools/versioning/op_version.cc) and of the extra facts
 * `GetOpSignature` (op_signature.cc) derives from the tensors (per-channel weights, grouped convolution,
 * quantized inputs, ranks). An interpreter refuses an operator whose version is higher than its kernel
 * registers, and it may pick a kernel that cannot handle the tensor types when the version is too low,
 * so the version must describe the operator exactly. Operators without a case here are version 1, as in
 * the source (RESHAPE, HARD_SWISH, PRELU, ELU, SQRT, custom operators, ...).
 */
export function opVersion(op: Operator, subgraph: Subgraph): number {
  const sig = new OpSignature(op, subgraph);
  const rule = RULES[op.opcode];
  return rule ? rule(sig) : 1;
}

/** What the version rules look at: tensor types and ranks of the operator's inputs and outputs, its options. */
class OpSignature {
  constructor(readonly op: Operator, readonly subgraph: Subgraph) {}

  /** The tensor at input position `i`; undefined for an omitted optional input (-1) or a missing position. */
  input(i: number): Tensor | undefined {
    const index = this.op.inputs[i];
    return index === undefined || index < 0 ? undefined : this.subgraph.tensors[index];
  }
  output(i: number): Tensor | undefined {
    const index = this.op.outputs[i];
    return index === undefined || index < 0 ? undefined : this.subgraph.tensors[index];
  }
  in(i: number): DType | undefined {
    return this.input(i)?.dtype;
  }
  out(i: number): DType | undefined {
    return this.output(i)?.dtype;
  }
  /** Number of input positions, omitted optional inputs (-1) included, as `op_sig.inputs.size()` counts them. */
  get inputCount(): number {
    return this.op.inputs.length;
  }
  rank(i: number): number {
    return this.input(i)?.shape.length ?? 0;
  }
  option(name: string): unknown {
    return this.op.options?.[name];
  }
  /** Shapes of the first two inputs differ (NeedBroadcastForBinaryInputs) and some input has rank > 4. */
  broadcastsAbove4D(): boolean {
    if (this.inputCount < 2) return false;
    const a = this.input(0)?.shape ?? [];
    const b = this.input(1)?.shape ?? [];
    const differ = a.length !== b.length || a.some((d, k) => d !== b[k]);
    const maxRank = Math.max(...this.op.inputs.map((_, k) => this.rank(k)));
    return differ && maxRank > 4;
  }
  /** Types of input 0, input 1 and output 0 equal `a`, `b`, `c`. */
  types(a: DType, b: DType, c: DType): boolean {
    return this.in(0) === a && this.in(1) === b && this.out(0) === c;
  }
  /** A hybrid operator: float activations, int8 weights (dequantized by the kernel). */
  get hybrid(): boolean {
    return this.types('float32', 'int8', 'float32');
  }
}

/** The tensor's quantization has one scale per element of `dimension` (and more than one). */
function perChannel(tensor: Tensor | undefined, dimension?: number): boolean {
  const q = tensor?.quantization;
  if (!q || q.scale.length <= 1) return false;
  const dim = dimension ?? q.quantizedDimension;
  return q.scale.length === tensor.shape[dim];
}

/** `quantized_bias_type` set in the options (the schema default FLOAT32 = 0 means "not set"). */
function quantizedBiasType(sig: OpSignature): boolean {
  const value = sig.option('quantizedBiasType');
  return typeof value === 'number' && value !== 0;
}

type Rule = (sig: OpSignature) => number;

/** int16 -> 3, int8 -> 2, else 1: the rule many element-wise and reduction operators share. */
const int16Is3Int8Is2: Rule = (s) => (s.in(0) === 'int16' ? 3 : s.in(0) === 'int8' ? 2 : 1);
const int8Is2: Rule = (s) => (s.in(0) === 'int8' ? 2 : 1);
const int8OrInt16Is2: Rule = (s) => (s.in(0) === 'int8' || s.in(0) === 'int16' ? 2 : 1);

const RULES: Record<string, Rule> = {
  CONV_2D: (s) => {
    if (s.types('int16', 'int8', 'int16') && quantizedBiasType(s)) return 8;
    // is_grouped_convolution: input channels differ from the filter's input channels.
    const input = s.input(0)?.shape ?? [];
    const filter = s.input(1)?.shape ?? [];
    if (input.length > 0 && input[3] !== filter[3]) return 6;
    // The source compares outputs.at(1) here (a typo for outputs.at(0)); output 0 is what it means.
    if (s.types('int16', 'int16', 'int16')) return 4;
    if (s.types('int8', 'int8', 'int8')) return 3;
    if (s.types('int8', 'int4', 'int8')) return 7;
    if (s.hybrid) return perChannel(s.input(1), 0) ? 5 : 2;
    return 1;
  },
  DEPTHWISE_CONV_2D: (s) => {
    if (s.types('int16', 'int16', 'int16')) return 5; // source: outputs.at(1), as for CONV_2D
    if (s.hybrid) return perChannel(s.input(1), 3) ? 6 : 4;
    if (s.types('int8', 'int8', 'int8')) return 3;
    if (s.types('int8', 'int4', 'int8')) return 7;
    const dilationW = (s.option('dilationWFactor') as number | undefined) ?? 1;
    const dilationH = (s.option('dilationHFactor') as number | undefined) ?? 1;
    if (dilationW !== 1 || dilationH !== 1) return 2;
    return 1;
  },
  FAKE_QUANT: (s) => (s.option('narrowRange') ? 2 : 1),
  FULLY_CONNECTED: (s) => {
    if (s.hybrid && perChannel(s.input(1), 0)) return 12;
    if (s.types('int16', 'int8', 'int16') && quantizedBiasType(s)) return 11;
    if (s.input(1)?.sparsity != null) return 8;
    if (s.types('int16', 'int16', 'int16')) return 7;
    if (s.inputCount === 2) return 6; // no bias position at all (a -1 bias still counts as 3 inputs)
    if (s.option('keepNumDims')) return 5;
    if (s.types('int8', 'int8', 'int8')) return 4;
    if (s.types('int8', 'int4', 'int8')) return 10;
    if (s.hybrid) return s.option('asymmetricQuantizeInputs') ? 9 : 3;
    if (s.option('weightsFormat') === 1 /* SHUFFLED4x16INT8 */) return 2;
    return 1;
  },
  GATHER: (s) => {
    if (s.in(0) === 'int4') return 7;
    if (s.in(1) === 'int16') return 6;
    const batchDims = s.option('batchDims');
    if (typeof batchDims === 'number' && batchDims !== 0) return 5;
    if (s.in(0) === 'int16') return 4;
    if (s.in(0) === 'bool') return 3;
    if (s.in(0) === 'int8') return 2;
    return 1;
  },
  SIGN: (s) => (s.in(0) === 'int32' ? 2 : 1),
  MUL: (s) => {
    const q0 = s.input(0)?.quantization;
    const q1 = s.input(1)?.quantization;
    const qOut = s.output(0)?.quantization;
    const inputQuantized = q0 !== undefined || q1 !== undefined;
    if ((s.in(0) === 'int16' && !inputQuantized) || s.in(0) === 'uint32') return 7;
    if (s.in(0) === 'complex64') return 6;
    if (s.in(0) === 'int64') return 5;
    if (s.in(0) === 'int16') return 4;
    const s0 = q0?.scale[0] ?? 0;
    const s1 = q1?.scale[0] ?? 0;
    const sOut = qOut?.scale[0] ?? 0;
    if (s0 !== 0 && s1 !== 0 && sOut !== 0 && (s0 * s1) / sOut >= 1) return 3;
    if (s.in(0) === 'int8') return 2;
    return 1;
  },
  MAX_POOL_2D: (s) => (s.in(0) === 'int16' && s.out(0) === 'int16' ? 3 : s.in(0) === 'int8' ? 2 : 1),
  AVERAGE_POOL_2D: (s) => (s.in(0) === 'int16' && s.out(0) === 'int16' ? 3 : s.in(0) === 'int8' ? 2 : 1),
  TRANSPOSE: (s) => {
    if (s.rank(0) > 5) return 6;
    if (s.in(0) === 'int16') return 5;
    if (s.rank(0) > 4) return 4;
    if (s.in(0) === 'bool') return 3;
    if (s.in(0) === 'int8') return 2;
    return 1;
  },
  TRANSPOSE_CONV: (s) => {
    if (s.types('int16', 'int8', 'int16') && quantizedBiasType(s)) return 5;
    const activation = s.option('fusedActivationFunction');
    if (typeof activation === 'number' && activation !== 0) return 4;
    if (s.inputCount === 4 && s.op.inputs[3]! >= 0) return 3; // with bias
    if (s.in(1) === 'int8') return 2;
    return 1;
  },
  SPLIT: (s) => {
    // Input 0 is the axis; the data is input 1.
    if (s.in(1) === 'int16') return 4;
    if (s.in(1) === 'int32') return 3;
    if (s.in(1) === 'int8') return 2;
    return 1;
  },
  SPARSE_TO_DENSE: (s) => {
    if (s.in(2) === 'int8' || s.in(2) === 'uint8') return 3;
    if (s.in(2) === 'int64') return 2;
    return 1;
  },
  SLICE: (s) => {
    if (s.in(0) === 'uint32') return 6;
    if (s.rank(0) > 4) return 5;
    if (s.in(0) === 'int16') return 4;
    if (s.in(0) === 'string') return 3;
    if (s.in(0) === 'int8') return 2;
    return 1;
  },
  UNPACK: (s) => {
    if (s.in(0) === 'int8' || s.in(0) === 'uint8') return 2;
    if (s.in(0) === 'bool') return 3;
    if (s.in(0) === 'int16' && s.out(0) === 'int16') return 4;
    return 1;
  },
  DEQUANTIZE: (s) => {
    if (s.in(0) === 'int4') return 6;
    if (s.in(0) === 'int16' || s.in(0) === 'float16') return 3;
    if (s.in(0) === 'int8') return perChannel(s.input(0)) ? 5 : 2;
    return 1;
  },
  QUANTIZE: (s) => {
    if (s.in(0) === 'int4' || s.out(0) === 'int4') return 4;
    if (perChannel(s.output(0))) return 3;
    if (s.out(0) === 'int16') return 2;
    return 1;
  },
  FLOOR_DIV: (s) => (s.in(0) === 'int16' || s.in(0) === 'int8' ? 3 : s.in(0) === 'float32' ? 2 : 1),
  FLOOR_MOD: (s) => (s.in(0) === 'int16' || s.in(0) === 'int8' ? 2 : 1),
  L2_NORMALIZATION: (s) => (s.out(0) === 'int8' ? 2 : 1),
  ABS: (s) => {
    if (s.in(0) === 'int32') return 5;
    if (s.in(0) === 'int16') return s.input(0)?.quantization ? 3 : 4;
    if (s.in(0) === 'int8' || s.in(0) === 'uint8') return 2;
    return 1;
  },
  RELU: (s) => (s.in(0) === 'int16' ? 3 : s.in(0) === 'int8' || s.in(0) === 'uint8' ? 2 : 1),
  STRIDED_SLICE: (s) => {
    if (s.option('offset') === true) return 8;
    if (s.in(0) === 'uint32') return 7;
    const ellipsis = (s.option('ellipsisMask') as number | undefined) ?? 0;
    const newAxis = (s.option('newAxisMask') as number | undefined) ?? 0;
    if (ellipsis !== 0 || newAxis !== 0) return 6;
    if (s.in(0) === 'string') return 5;
    if (s.rank(0) > 4) return 4;
    if (s.in(0) === 'bool') return 3;
    if (s.in(0) === 'int8') return 2;
    return 1;
  },
  REVERSE_V2: (s) => (s.in(0) === 'int8' ? 3 : s.in(0) === 'bool' ? 2 : 1),
  RESIZE_BILINEAR: (s) => {
    if (s.in(0) === 'int16') return 4;
    if (s.option('halfPixelCenters')) return 3;
    return s.in(0) === 'int8' ? 2 : 1;
  },
  RESIZE_NEAREST_NEIGHBOR: (s) => {
    if (s.in(0) === 'int16') return 4;
    if (s.option('halfPixelCenters') || s.option('alignCorners')) return 3;
    return s.in(0) === 'int8' ? 2 : 1;
  },
  MAXIMUM: (s) => maximumMinimum(s),
  MINIMUM: (s) => maximumMinimum(s),
  PACK: (s) => {
    if (s.in(0) === 'int8') return 2;
    if (s.in(0) === 'int16' && s.out(0) === 'int16') return 3;
    if (s.in(0) === 'uint32') return 4;
    return 1;
  },
  TILE: (s) => (s.in(0) === 'int8' ? 3 : s.in(0) === 'string' ? 2 : 1),
  SQUEEZE: (s) => (s.in(0) === 'string' ? 2 : 1),
  SPACE_TO_BATCH_ND: (s) => spaceBatch(s),
  BATCH_TO_SPACE_ND: (s) => spaceBatch(s),
  ADD: (s) => {
    const inputQuantized = s.input(0)?.quantization !== undefined;
    if (s.in(0) === 'int16' && !inputQuantized) return 5;
    if (s.in(0) === 'int64') return 4;
    // pot_scale_int16 defaults to true in the schema.
    if (s.in(0) === 'int16' && s.out(0) === 'int16' && s.option('potScaleInt16') === false) return 3;
    if (s.in(0) === 'int8') return 2;
    return 1;
  },
  SUB: (s) => {
    if (s.in(0) === 'int16' && s.out(0) === 'int16' && s.option('potScaleInt16') === false) return 5;
    if (s.in(0) === 'int64') return 4;
    if (s.broadcastsAbove4D()) return 3;
    if (s.in(0) === 'int8') return 2;
    return 1;
  },
  GATHER_ND: (s) => {
    if (s.in(0) === 'bool') return 5;
    if (s.in(1) === 'int16') return 4;
    if (s.in(0) === 'int16') return 3;
    if (s.in(0) === 'string') return 2;
    return 1;
  },
  DIV: (s) => (s.broadcastsAbove4D() ? 2 : 1),
  TANH: (s) => (s.in(0) === 'int16' && s.out(0) === 'int16' ? 3 : s.in(0) === 'int8' ? 2 : 1),
  LOGISTIC: (s) => (s.in(0) === 'int16' && s.out(0) === 'int16' ? 3 : s.in(0) === 'int8' ? 2 : 1),
  FILL: (s) => {
    if (s.inputCount >= 2) {
      if (s.in(1) === 'float16') return 4;
      if (s.in(1) === 'int8' || s.in(1) === 'int16') return 3;
      if (s.in(1) === 'bool' || s.in(1) === 'string') return 2;
    }
    return 1;
  },
  EQUAL: (s) => (s.in(0) === 'int16' ? 4 : s.in(0) === 'string' ? 3 : s.in(0) === 'int8' ? 2 : 1),
  NOT_EQUAL: (s) => (s.in(0) === 'string' ? 3 : s.in(0) === 'int8' ? 2 : 1),
  LEAKY_RELU: (s) => (s.in(0) === 'int16' ? 2 : 1),
  RANGE: (s) => (s.in(0) === 'int64' ? 2 : 1),
  BATCH_MATMUL: (s) => {
    if (s.in(0) === 'int16') return 3;
    if (s.in(0) === 'int8') return 2;
    if (s.hybrid && s.option('asymmetricQuantizeInputs')) return 4;
    return 1;
  },
  PAD: (s) => pad(s),
  PADV2: (s) => pad(s),
  CONCATENATION: (s) => (s.in(0) === 'uint32' ? 4 : int16Is3Int8Is2(s)),
  SOFTMAX: int16Is3Int8Is2,
  MEAN: int16Is3Int8Is2,
  MIRROR_PAD: int16Is3Int8Is2,
  REDUCE_MAX: int16Is3Int8Is2,
  REDUCE_MIN: int16Is3Int8Is2,
  RELU6: int16Is3Int8Is2,
  RSQRT: int16Is3Int8Is2,
  ARG_MAX: (s) => (s.in(0) === 'bool' ? 3 : int8Is2(s)),
  ARG_MIN: (s) => (s.in(0) === 'bool' ? 3 : int8Is2(s)),
  SELECT: (s) => {
    if (s.in(0) === 'uint32') return 4;
    if (s.rank(0) === 5 || s.rank(1) === 5 || s.rank(2) === 5) return 3;
    return int8Is2(s);
  },
  LESS: int16Is3Int8Is2,
  GREATER_EQUAL: int16Is3Int8Is2,
  SELECT_V2: (s) => (s.in(0) === 'uint32' ? 2 : 1),
  SPACE_TO_DEPTH: int8Is2,
  SPLIT_V: int8Is2,
  SUM: int8Is2,
  LOG_SOFTMAX: int8Is2,
  GREATER: int8Is2,
  LESS_EQUAL: int8Is2,
  SQUARED_DIFFERENCE: int8Is2,
  DEPTH_TO_SPACE: int8Is2,
  TOPK_V2: (s) => (s.in(0) === 'int16' || s.in(1) === 'int16' || s.out(1) === 'int16' ? 3 : int8Is2(s)),
  EXP: int8OrInt16Is2,
  LOG: int8OrInt16Is2,
  REDUCE_PROD: int8OrInt16Is2,
  // Version 1 of BROADCAST_TO was rolled back; the converter never writes it.
  BROADCAST_TO: (s) => (s.in(0) === 'int8' || s.in(0) === 'int16' ? 3 : 2),
  CAST: (s) => {
    const a = s.in(0);
    const b = s.out(0);
    const either = (t: DType) => a === t || b === t;
    if (either('bfloat16')) return 7;
    if (a === 'int4' && b === 'float32') return 6;
    if (either('float64') || either('float16')) return 5;
    if (either('uint16')) return 4;
    if (either('int8')) return 3;
    if (either('uint32')) return 2;
    return 1;
  },
  WHERE: (s) => (s.in(0) === 'bool' ? 1 : 2),
  GELU: (s) => (s.in(0) === 'int8' || s.in(0) === 'uint8' ? 2 : 1),
};

function maximumMinimum(s: OpSignature): number {
  if (s.in(0) === 'int16' && s.out(0) === 'int16') return 4;
  if (s.broadcastsAbove4D()) return 3;
  return int8Is2(s);
}

function spaceBatch(s: OpSignature): number {
  if (s.in(0) === 'int16') return 4;
  if (s.rank(0) !== 4) return 3;
  return int8Is2(s);
}

function pad(s: OpSignature): number {
  if (s.rank(0) > 4) return 4;
  return int16Is3Int8Is2(s);
}
