/** A tensor value passed to and from interpreters: row-major data with a TFLite dtype name. */
export interface TensorValue {
  readonly dtype: 'float32' | 'int32' | 'uint8' | 'int8' | 'int16' | 'int64' | 'bool' | 'float64';
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | BigInt64Array;
  readonly name?: string;
}
