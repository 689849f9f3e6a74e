import { TensorType } from './generated/tflite/tensor-type.js';

/** Tensor element types, named as TFLite names them (lower case). */
export type DType =
  | 'float32' | 'float16' | 'int32' | 'uint8' | 'int64' | 'string' | 'bool' | 'int16' | 'complex64'
  | 'int8' | 'float64' | 'complex128' | 'uint64' | 'resource' | 'variant' | 'uint32' | 'uint16' | 'int4'
  | 'bfloat16' | 'int2' | 'uint4' | 'float8_e4m3fn' | 'float8_e5m2';

/** Storage size of one element in bits; undefined where the size is not fixed (string, resource, variant). */
const BITS: Record<DType, number | undefined> = {
  float32: 32, float16: 16, int32: 32, uint8: 8, int64: 64, string: undefined, bool: 8, int16: 16,
  complex64: 64, int8: 8, float64: 64, complex128: 128, uint64: 64, resource: undefined, variant: undefined,
  uint32: 32, uint16: 16, int4: 4, bfloat16: 16, int2: 2, uint4: 4, float8_e4m3fn: 8, float8_e5m2: 8,
};

export function dtypeFromTensorType(type: number): DType | undefined {
  const name = TensorType[type];
  return typeof name === 'string' ? (name.toLowerCase() as DType) : undefined;
}

export function tensorTypeFromDType(dtype: DType): TensorType {
  return TensorType[dtype.toUpperCase() as keyof typeof TensorType];
}

export function dtypeBits(dtype: DType): number | undefined {
  return BITS[dtype];
}

/** Bytes needed to store `elements` values of `dtype` (sub-byte types packed), or undefined if variable. */
export function dtypeByteLength(dtype: DType, elements: number): number | undefined {
  const bits = BITS[dtype];
  return bits === undefined ? undefined : Math.ceil((elements * bits) / 8);
}
