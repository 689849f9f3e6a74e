import type { DType } from './dtypes.js';

/**
 * The in-memory TFLite model shared by the converter and the runtime. Plain data: no flatbuffer offsets,
 * every index already verified when it came from `readModel`. Field names of operator options follow the
 * generated flatbuffer object API (camelCase, enums as numbers), so `options` round-trips losslessly.
 */
export interface Graph {
  /** Schema version; 3 for every model an interpreter accepts. */
  version: number;
  description: string;
  subgraphs: Subgraph[];
  signatures: Signature[];
  /** Named metadata entries (e.g. `min_runtime_version`, `TFLITE_METADATA`) with their bytes. */
  metadata: Metadata[];
}

export interface Subgraph {
  name: string;
  tensors: Tensor[];
  operators: Operator[];
  /** Tensor indices of the subgraph's inputs, in order. */
  inputs: number[];
  /** Tensor indices of the subgraph's outputs, in order. */
  outputs: number[];
}

export interface Tensor {
  name: string;
  dtype: DType;
  /** Static shape; dynamic dimensions are 1 here and -1 in `shapeSignature`. */
  shape: number[];
  shapeSignature?: number[];
  /** Constant contents, little-endian, exactly the bytes the shape and dtype need; absent for activations. */
  data?: Uint8Array;
  quantization?: Quantization;
  isVariable?: boolean;
  /** Sparse layout of constant data (DENSIFY models), kept as the generated object-API value. */
  sparsity?: unknown;
  /** False when the rank itself is unknown (shape is then empty). */
  hasRank?: boolean;
}

/** real = (q - zeroPoint[c]) * scale[c]; one entry per channel of `quantizedDimension`, or one per tensor. */
export interface Quantization {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  min?: number[];
  max?: number[];
}

export interface Operator {
  /** Builtin name such as `CONV_2D`, or `CUSTOM` for custom operators. */
  opcode: string;
  /** Name of a custom operator (opcode `CUSTOM`), e.g. `Convolution2DTransposeBias`. */
  customCode?: string;
  /** Operator version; the writer picks one from the op and its tensor types when it is 0 or absent. */
  version?: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  intermediates?: number[];
  /** Name of the builtin options table, e.g. `Conv2DOptions` (`BuiltinOptions2` tables likewise). */
  optionsType?: string;
  /** Fields of the options table, named as the generated object API names them (e.g. `strideW`). */
  options?: Record<string, unknown>;
  customOptions?: Uint8Array;
}

export interface Signature {
  key: string;
  subgraphIndex: number;
  inputs: SignatureTensor[];
  outputs: SignatureTensor[];
}

export interface SignatureTensor {
  name: string;
  tensorIndex: number;
}

export interface Metadata {
  name: string;
  data: Uint8Array;
}

/** Number of elements of a static shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
