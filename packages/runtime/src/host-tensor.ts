import { decodeFloat16, elementCount, type DType, type Quantization, type Tensor } from '@borde/tflite';
import { ModelError } from './errors.js';

/**
 * How the executor holds every value: tfjs dtypes only. Quantized integer tensors (int8, uint8, int16 with
 * a scale) are held as their REAL values, float32: real = (q - zeroPoint) * scale. float16/float64 become
 * float32; int64 and small unquantized integers become int32.
 */
export type ValueDType = 'float32' | 'int32' | 'bool';
export type HostArray = Float32Array | Int32Array | Uint8Array;

/** A tensor value on the host (plain JS memory), e.g. a constant decoded at load. */
export interface HostTensor {
  dtype: ValueDType;
  shape: number[];
  data: HostArray;
}

const INTEGER_TYPES: ReadonlySet<DType> = new Set(['int8', 'uint8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'int4']);

/** True when the tensor stores integers that stand for real numbers (has a scale). */
export function isQuantized(tensor: Tensor): boolean {
  return INTEGER_TYPES.has(tensor.dtype) && (tensor.quantization?.scale.length ?? 0) > 0;
}

/** The dtype the executor holds this graph tensor as. */
export function valueDType(tensor: Tensor): ValueDType {
  if (isQuantized(tensor)) return 'float32';
  switch (tensor.dtype) {
    case 'float32': case 'float16': case 'float64': case 'bfloat16': return 'float32';
    case 'bool': return 'bool';
    default: return 'int32';
  }
}

/** Integer range of a quantized storage type. */
export function quantizedRange(dtype: DType): [number, number] {
  switch (dtype) {
    case 'int8': return [-128, 127];
    case 'uint8': return [0, 255];
    case 'int16': return [-32768, 32767];
    case 'uint16': return [0, 65535];
    case 'int4': return [-8, 7];
    default: return [-2147483648, 2147483647];
  }
}

function rawValues(tensor: Tensor, bytes: Uint8Array, path: string): ArrayLike<number> {
  // Copy into an aligned buffer: constant data may sit at any offset of the model file.
  const buf = new Uint8Array(bytes).buffer;
  switch (tensor.dtype) {
    case 'float32': return new Float32Array(buf);
    case 'float64': return new Float64Array(buf);
    case 'float16': return decodeFloat16(new Uint16Array(buf));
    case 'int8': return new Int8Array(buf);
    case 'uint8': case 'bool': return new Uint8Array(buf);
    case 'int16': return new Int16Array(buf);
    case 'uint16': return new Uint16Array(buf);
    case 'int32': return new Int32Array(buf);
    case 'uint32': return new Uint32Array(buf);
    case 'int64': {
      const wide = new BigInt64Array(buf);
      // Quantized int64 (16x8 biases) stands for reals: exact as doubles up to 2^53, no int32 limit.
      if (isQuantized(tensor)) return Float64Array.from(wide, (v) => Number(v));
      const out = new Int32Array(wide.length);
      for (let i = 0; i < wide.length; i++) {
        const v = Number(wide[i]);
        if (v > 2147483647 || v < -2147483648) throw new ModelError(`${path}: int64 value ${v} does not fit int32`);
        out[i] = v;
      }
      return out;
    }
    default:
      throw new ModelError(`${path}: constants of dtype ${tensor.dtype} are not supported by the tfjs engine`);
  }
}

/** Real values of quantized integers, per tensor or per channel of `quantizedDimension`. */
export function dequantize(values: ArrayLike<number>, shape: readonly number[], q: Quantization): Float32Array {
  const out = new Float32Array(values.length);
  if (q.scale.length <= 1) {
    const s = q.scale[0] ?? 1;
    const zp = q.zeroPoint[0] ?? 0;
    for (let i = 0; i < values.length; i++) out[i] = (values[i]! - zp) * s;
    return out;
  }
  const axis = q.quantizedDimension;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const channels = shape[axis]!;
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = (values[i]! - (q.zeroPoint[c] ?? 0)) * q.scale[c]!;
  }
  return out;
}

/** Decodes values (already in element order) of a graph tensor into the executor's representation. */
export function hostFromValues(tensor: Tensor, values: ArrayLike<number>): HostTensor {
  const dtype = valueDType(tensor);
  const shape = [...tensor.shape];
  if (isQuantized(tensor)) return { dtype, shape, data: dequantize(values, shape, tensor.quantization!) };
  if (dtype === 'float32') return { dtype, shape, data: values instanceof Float32Array ? values : Float32Array.from(values) };
  if (dtype === 'bool') return { dtype, shape, data: Uint8Array.from(values, (v) => (v ? 1 : 0)) };
  return { dtype, shape, data: values instanceof Int32Array ? values : Int32Array.from(values) };
}

/** Decodes a constant tensor's bytes (dense layout). */
export function decodeConstant(tensor: Tensor, path: string): HostTensor {
  if (!tensor.data) throw new ModelError(`${path}: tensor "${tensor.name}" has no constant data`);
  const values = rawValues(tensor, tensor.data, path);
  if (tensor.sparsity === undefined && values.length !== elementCount(tensor.shape)) {
    throw new ModelError(
      `${path}: tensor "${tensor.name}" holds ${values.length} values, its shape [${tensor.shape}] needs ${elementCount(tensor.shape)}`,
    );
  }
  return hostFromValues(tensor, values);
}

/** Raw element values of a constant (no dequantization); used by DENSIFY, which works on stored values. */
export function constantElements(tensor: Tensor, path: string): ArrayLike<number> {
  if (!tensor.data) throw new ModelError(`${path}: tensor "${tensor.name}" has no constant data`);
  return rawValues(tensor, tensor.data, path);
}
