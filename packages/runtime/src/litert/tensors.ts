// Tensors as the harness passes them between Node, the official interpreters and the browser page:
// plain typed arrays with a shape and a TFLite dtype name, nothing engine-specific.

/** Element types the harness can feed to and read from the interpreters. */
export type TensorDType = 'float32' | 'int32' | 'uint8' | 'int8' | 'int16' | 'int64' | 'bool' | 'float64';

export type TensorTypedArray =
  | Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | BigInt64Array;

/** A tensor value: `data` is row-major and holds exactly `product(shape)` elements. */
export interface TensorValue {
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  readonly data: TensorTypedArray;
  /** The interpreter's tensor name, where known. */
  readonly name?: string;
}

/** What an interpreter says about one model input or output. */
export interface TensorDetails {
  readonly name: string;
  readonly index: number;
  readonly dtype: TensorDType;
  /** -1 marks a dynamic dimension. */
  readonly shape: readonly number[];
}

type TypedArrayConstructor = {
  new (length: number): TensorTypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorTypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CONSTRUCTORS: Record<TensorDType, TypedArrayConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

export function isTensorDType(name: string): name is TensorDType {
  return Object.prototype.hasOwnProperty.call(CONSTRUCTORS, name);
}

export function typedArrayConstructor(dtype: TensorDType): TypedArrayConstructor {
  return CONSTRUCTORS[dtype];
}

export function bytesPerElement(dtype: TensorDType): number {
  return CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
}

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) throw new RangeError(`shape [${shape.join(', ')}] has a non-concrete dimension ${dim}`);
    count *= dim;
  }
  return count;
}

/** A zero-copy view of the tensor's bytes (little-endian, as the interpreters store them). */
export function tensorBytes(data: TensorTypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * A typed array of `dtype` over `bytes` without copying when they are aligned for it (a copy otherwise): it
 * lives only as long as the memory under `bytes`.
 */
export function typedArrayView(dtype: TensorDType, bytes: Uint8Array): TensorTypedArray {
  const ctor = CONSTRUCTORS[dtype];
  if (bytes.byteOffset % ctor.BYTES_PER_ELEMENT !== 0) return typedArrayFromBytes(dtype, bytes);
  if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  return new ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / ctor.BYTES_PER_ELEMENT);
}

/** A fresh typed array of `dtype` holding a copy of `bytes`. */
export function typedArrayFromBytes(dtype: TensorDType, bytes: Uint8Array): TensorTypedArray {
  const ctor = CONSTRUCTORS[dtype];
  if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  const copy = new Uint8Array(bytes); // own, aligned buffer
  return new ctor(copy.buffer, 0, copy.byteLength / ctor.BYTES_PER_ELEMENT);
}

/** Checks that a tensor's data matches its shape and dtype; the message names the tensor. */
export function checkTensor(tensor: TensorValue, label: string): void {
  const ctor = CONSTRUCTORS[tensor.dtype];
  if (!ctor) throw new TypeError(`${label}: unsupported dtype ${String(tensor.dtype)}`);
  if (!(tensor.data instanceof ctor)) {
    throw new TypeError(`${label}: dtype ${tensor.dtype} needs a ${ctor.name}, got ${tensor.data.constructor.name}`);
  }
  const expected = elementCount(tensor.shape);
  if (tensor.data.length !== expected) {
    throw new RangeError(`${label}: shape [${tensor.shape.join(', ')}] needs ${expected} elements, data has ${tensor.data.length}`);
  }
}
