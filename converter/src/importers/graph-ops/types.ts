/**
 * The shapes of a TensorFlow.js graph-model as model.json stores them (TensorFlow NodeDefs in protobuf JSON),
 * and the values the graph-model importer passes between op converters.
 */

/** One TensorFlow AttrValue in protobuf JSON: int64 fields arrive as strings, strings as base64. */
export interface AttrValue {
  s?: string | number[];
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string | number;
  shape?: TensorShapeJson;
  tensor?: TensorJson;
  list?: { s?: (string | number[])[]; i?: (string | number)[]; f?: number[]; b?: boolean[]; type?: (string | number)[] };
  func?: { name: string };
}

export interface TensorShapeJson {
  dim?: { size?: string | number }[];
  unknownRank?: boolean;
}

export interface TensorJson {
  dtype?: string | number;
  tensorShape?: TensorShapeJson;
  floatVal?: number[];
  intVal?: (number | string)[];
  int64Val?: (number | string)[];
  boolVal?: boolean[];
  tensorContent?: string;
}

export interface NodeDef {
  name: string;
  op: string;
  /** `name`, `name:k` (output k) or `^name` (control dependency). */
  input?: string[];
  attr?: Record<string, AttrValue>;
  device?: string;
}

export interface GraphDefJson {
  node?: NodeDef[];
  library?: { function?: unknown[] };
  versions?: unknown;
}

/** Element types a graph-model tensor can have once tfjs has read it (int64 narrows to int32, half widens). */
export type ValueDType = 'float32' | 'int32' | 'bool';

/** A tensor whose contents are known at import time: a weight, or a folded shape computation. */
export interface ConstTensor {
  dtype: ValueDType;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
  /** Name of the TensorFlow node it came from, used to name the TFLite tensor. */
  name: string;
}

/**
 * What one TensorFlow node output turned into: a constant (folded, materialized only where a TFLite op
 * needs it), a TFLite tensor produced at run time, or `poison` when an unsupported op produced it (its
 * consumers are skipped silently: the unsupported op is already reported).
 */
export type Value =
  | { kind: 'const'; c: ConstTensor }
  | { kind: 'tensor'; index: number; shape: number[]; dtype: ValueDType }
  | { kind: 'poison' };
