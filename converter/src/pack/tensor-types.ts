import type { TensorSummary } from '@borde/tflite';

/** The typed array a runtime input or output of this dtype uses (packages/runtime README, "Input types"). */
const ARRAY_TYPES: Record<string, string> = {
  float32: 'Float32Array',
  float16: 'Float32Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
  int16: 'Int16Array',
  int32: 'Int32Array',
  int64: 'BigInt64Array',
  bool: 'Uint8Array',
};

export function arrayType(dtype: string): string {
  return ARRAY_TYPES[dtype] ?? 'ArrayLike<number>';
}

/** Quantized integer inputs also take real values as a Float32Array (the runtime quantizes them). */
export function inputArrayType(tensor: { dtype: string; quantization?: { scale: number[] } | undefined }): string {
  const own = arrayType(tensor.dtype);
  const quantized = tensor.quantization !== undefined && tensor.quantization.scale.length > 0 && own !== 'Float32Array';
  return quantized ? `${own} | Float32Array` : own;
}

/** What the package records about a tensor: name, dtype, shape and, when quantized, scale and zero point. */
export interface PackedTensor {
  name: string;
  dtype: string;
  shape: number[];
  quantization?: { scale: number[]; zeroPoint: number[] };
}

export function packedTensor(t: TensorSummary): PackedTensor {
  const q = t.quantization;
  return {
    name: t.name,
    dtype: t.dtype,
    shape: [...t.shape],
    ...(q && q.scale.length > 0 ? { quantization: { scale: [...q.scale], zeroPoint: q.zeroPoint.map(Number) } } : {}),
  };
}
