import { float16BitsToFloat32 } from '@borde/tflite';
import { InvalidSourceError } from '../../errors.js';
import type { DecodedWeight } from '../tfjs-artifacts.js';
import type { TensorJson } from '../graph-ops/types.js';

/** TensorFlow DataType enum name, or its number when the schema does not name it. */
export type TfDataType = string | number;

type Decoded = Pick<DecodedWeight, 'dtype' | 'values'>;

const MAX_FILL_ELEMENTS = 2 ** 26;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const ELEMENT_BYTES: Record<string, number> = {
  DT_FLOAT: 4, DT_DOUBLE: 8, DT_INT32: 4, DT_INT64: 8, DT_INT16: 2, DT_UINT16: 2, DT_INT8: 1, DT_UINT8: 1,
  DT_BOOL: 1, DT_HALF: 2, DT_BFLOAT16: 2,
};

/**
 * Little-endian tensor bytes (a checkpoint entry or a TensorProto's tensor_content) as the dtypes the
 * graph importer works in: float32, int32 or bool. int64 narrows to int32, saturating (TensorFlow writes
 * INT64_MAX as "to the end" in slices); float64, float16 and bfloat16 become float32.
 */
export function tensorValues(dtype: TfDataType, shape: number[], bytes: Uint8Array, what: string): Decoded {
  const width = ELEMENT_BYTES[String(dtype)];
  if (width === undefined) throw new InvalidSourceError(`${what} has data type ${dtype}, which Borde cannot convert to TFLite.`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== count * width) {
    throw new InvalidSourceError(`${what} holds ${bytes.byteLength} bytes but its ${dtype} shape [${shape.join(', ')}] needs ${count * width}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const floats = (read: (i: number) => number): Decoded => ({ dtype: 'float32', values: Float32Array.from({ length: count }, (_v, i) => read(i)) });
  const ints = (read: (i: number) => number): Decoded => ({ dtype: 'int32', values: Int32Array.from({ length: count }, (_v, i) => read(i)) });
  switch (String(dtype)) {
    // The common case, a copy of the bytes (weights can be hundreds of MB); element by element elsewhere.
    case 'DT_FLOAT': return LITTLE_ENDIAN ? { dtype: 'float32', values: new Float32Array(bytes.slice().buffer) } : floats((i) => view.getFloat32(i * 4, true));
    case 'DT_DOUBLE': return floats((i) => view.getFloat64(i * 8, true));
    case 'DT_HALF': return floats((i) => float16BitsToFloat32(view.getUint16(i * 2, true)));
    case 'DT_BFLOAT16': return floats((i) => new Float32Array(new Uint32Array([view.getUint16(i * 2, true) << 16]).buffer)[0]!);
    case 'DT_INT32': return ints((i) => view.getInt32(i * 4, true));
    case 'DT_INT64': return ints((i) => saturateInt32(view.getBigInt64(i * 8, true)));
    case 'DT_INT16': return ints((i) => view.getInt16(i * 2, true));
    case 'DT_UINT16': return ints((i) => view.getUint16(i * 2, true));
    case 'DT_INT8': return ints((i) => view.getInt8(i));
    case 'DT_UINT8': return ints((i) => view.getUint8(i));
    default: return { dtype: 'bool', values: Uint8Array.from(bytes, (b) => (b ? 1 : 0)) };
  }
}

/** The value of a Const node's TensorProto (decoded with bytes as base64), or an error naming the node. */
export function constValues(node: string, tensor: TensorJson & { doubleVal?: number[]; halfVal?: number[] }): DecodedWeight {
  const dtype = tensor.dtype ?? 'DT_INVALID';
  const shape = tensor.tensorShape?.unknownRank ? [] : (tensor.tensorShape?.dim ?? []).map((d) => Number(d.size ?? 0));
  const what = `Const node '${node}'`;
  if (typeof tensor.tensorContent === 'string') {
    return { name: node, shape, ...tensorValues(dtype, shape, base64Bytes(tensor.tensorContent), what) };
  }
  // Without tensor_content the values are listed, and the last one repeats to fill the shape.
  const listed: number[] | undefined =
    tensor.floatVal?.map(Number) ?? tensor.doubleVal?.map(Number) ?? tensor.intVal?.map(Number) ??
    tensor.int64Val?.map(Number) ?? tensor.boolVal?.map((b) => (b ? 1 : 0)) ?? tensor.halfVal?.map((h) => float16BitsToFloat32(Number(h)));
  const count = shape.reduce((a, b) => a * b, 1);
  // A fill is a few bytes in the file for any shape: bound what it may expand to.
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || count > MAX_FILL_ELEMENTS) {
    throw new InvalidSourceError(`${what} has shape [${shape.join(', ')}], which is not a valid constant of at most ${MAX_FILL_ELEMENTS} elements.`);
  }
  const values = Array.from({ length: count }, (_v, i) => listed?.[Math.min(i, listed.length - 1)] ?? 0);
  switch (String(dtype)) {
    case 'DT_FLOAT': case 'DT_DOUBLE': case 'DT_HALF': case 'DT_BFLOAT16':
      return { name: node, shape, dtype: 'float32', values: Float32Array.from(values) };
    case 'DT_INT32': case 'DT_INT64': case 'DT_INT16': case 'DT_UINT16': case 'DT_INT8': case 'DT_UINT8':
      return { name: node, shape, dtype: 'int32', values: Int32Array.from(values, (v) => saturateInt32(BigInt(Math.trunc(v)))) };
    case 'DT_BOOL':
      return { name: node, shape, dtype: 'bool', values: Uint8Array.from(values) };
    default:
      throw new InvalidSourceError(`${what} has data type ${dtype}, which Borde cannot convert to TFLite.`);
  }
}

function saturateInt32(v: bigint): number {
  return v > 2147483647n ? 2147483647 : v < -2147483648n ? -2147483648 : Number(v);
}

function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
