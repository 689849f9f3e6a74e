import { InvalidSourceError } from '../../errors.js';
import type { ConstTensor } from '../graph-ops/types.js';
import { ONNX_DTYPE, ONNX_DTYPE_NAMES, onnxSchema } from './schema.js';
import { float16BitsToFloat32 } from '@borde/tflite';

/** One ONNX node attribute, decoded. */
export type OnnxAttr =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: ConstTensor }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'graph' };

export interface OnnxNode {
  name: string;
  opType: string;
  /** '' for the default ONNX domain ('ai.onnx' is normalized to ''). */
  domain: string;
  /** Input value names; '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attrs: Map<string, OnnxAttr>;
}

export interface OnnxValueInfo {
  name: string;
  /** ONNX element type number (1 float, 7 int64, ...); undefined when the type is not a tensor. */
  elemType?: number;
  /** Dimensions: a number, or the symbolic name / undefined of a dynamic one; undefined for unknown rank. */
  shape?: (number | string | undefined)[];
}

export interface OnnxModel {
  irVersion: number;
  /** Version of the default ('' / ai.onnx) operator set. */
  opset: number;
  /** Every imported operator set, by domain. */
  opsets: Map<string, number>;
  producer: string;
  nodes: OnnxNode[];
  initializers: Map<string, ConstTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: Map<string, OnnxValueInfo>;
}

export interface ReadOnnxOptions {
  /**
   * Contents of the external data files tensors point to (`location` as written in the model, relative to
   * the model file), for models saved with weights outside the .onnx file. The Node I/O layer reads them.
   */
  externalData?: Record<string, Uint8Array>;
}

type Obj = Record<string, unknown>;

/**
 * Decoded ModelProtos by their bytes: detection, the external-data scan and the reader each need the
 * decoded model, and decoding a large file (tens of MB of weights) once is enough. The objects are only read.
 */
const decodedModels = new WeakMap<Uint8Array, Obj>();

/** Decodes the ModelProto bytes; a file that is not one gets an InvalidSourceError that says so. */
function decodeModelProto(bytes: Uint8Array): Obj {
  const cached = decodedModels.get(bytes);
  if (cached) return cached;
  const type = onnxSchema().lookupType('onnx.ModelProto');
  let decoded: Obj;
  try {
    const message = type.decode(bytes);
    decoded = type.toObject(message, { longs: Number, defaults: false, arrays: true }) as Obj;
  } catch (error) {
    throw new InvalidSourceError(
      `not a valid ONNX file: the protobuf does not decode as an ONNX ModelProto (${(error as Error).message}); ` +
        'the file is truncated or corrupt, re-export or re-download it',
      { cause: error },
    );
  }
  if (decoded.graph === undefined || typeof decoded.ir_version !== 'number') {
    throw new InvalidSourceError('not a valid ONNX file: the protobuf has no ir_version or no graph (is it an ONNX model?)');
  }
  decodedModels.set(bytes, decoded);
  return decoded;
}

/** Tells whether bytes look like an ONNX model: a ModelProto with an ir_version and a graph. */
export function isOnnxModel(bytes: Uint8Array): boolean {
  try {
    decodeModelProto(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The external data files a model's tensors point to (the `location` entries), for the I/O layer to read. */
export function externalDataLocations(bytes: Uint8Array): string[] {
  const model = decodeModelProto(bytes);
  const graph = model.graph as Obj;
  const locations = new Set<string>();
  const visit = (t: Obj): void => {
    for (const entry of (t.external_data as Obj[] | undefined) ?? []) {
      if (entry.key === 'location' && typeof entry.value === 'string') locations.add(entry.value);
    }
  };
  for (const t of (graph.initializer as Obj[] | undefined) ?? []) visit(t);
  for (const node of (graph.node as Obj[] | undefined) ?? []) {
    for (const a of (node.attribute as Obj[] | undefined) ?? []) if (a.t) visit(a.t as Obj);
  }
  return [...locations];
}

/** Reads an ONNX model from its bytes (no file system: external data comes in `options.externalData`). */
export function readOnnxModel(bytes: Uint8Array, options: ReadOnnxOptions = {}): OnnxModel {
  const model = decodeModelProto(bytes);
  const graph = model.graph as Obj;
  const opsets = new Map<string, number>();
  for (const o of (model.opset_import as Obj[] | undefined) ?? []) {
    const domain = normalizeDomain(String(o.domain ?? ''));
    opsets.set(domain, Number(o.version ?? 0));
  }
  const opset = opsets.get('') ?? 0;
  if (opset === 0) throw new InvalidSourceError('the ONNX model imports no version of the default (ai.onnx) operator set');

  const initializers = new Map<string, ConstTensor>();
  for (const t of (graph.initializer as Obj[] | undefined) ?? []) {
    const c = decodeTensor(t, options);
    initializers.set(c.name, c);
  }
  const nodes = ((graph.node as Obj[] | undefined) ?? []).map((n, i) => decodeNode(n, i, options));
  const valueInfo = new Map<string, OnnxValueInfo>();
  for (const v of (graph.value_info as Obj[] | undefined) ?? []) {
    const info = decodeValueInfo(v);
    valueInfo.set(info.name, info);
  }
  return {
    irVersion: model.ir_version as number,
    opset,
    opsets,
    producer: [model.producer_name, model.producer_version].filter((s) => typeof s === 'string' && s).join(' '),
    nodes,
    initializers,
    // Before IR 4 initializers were also listed as graph inputs; they are weights, not model inputs.
    inputs: ((graph.input as Obj[] | undefined) ?? []).map(decodeValueInfo).filter((v) => !initializers.has(v.name)),
    outputs: ((graph.output as Obj[] | undefined) ?? []).map(decodeValueInfo),
    valueInfo,
  };
}

function normalizeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}

function decodeNode(n: Obj, index: number, options: ReadOnnxOptions): OnnxNode {
  const opType = String(n.op_type ?? '');
  const outputs = ((n.output as string[] | undefined) ?? []).map(String);
  const name = typeof n.name === 'string' && n.name ? n.name : `${opType}_${index}${outputs[0] ? `(${outputs[0]})` : ''}`;
  const attrs = new Map<string, OnnxAttr>();
  for (const a of (n.attribute as Obj[] | undefined) ?? []) attrs.set(String(a.name), decodeAttr(a, name, options));
  return { name, opType, domain: normalizeDomain(String(n.domain ?? '')), inputs: ((n.input as string[] | undefined) ?? []).map(String), outputs, attrs };
}

const text = new TextDecoder();

function decodeAttr(a: Obj, node: string, options: ReadOnnxOptions): OnnxAttr {
  // AttributeProto.type: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, 8 STRINGS.
  switch (a.type) {
    case 1: return { kind: 'float', value: Number(a.f ?? 0) };
    case 2: return { kind: 'int', value: Number(a.i ?? 0) };
    case 3: return { kind: 'string', value: text.decode(a.s as Uint8Array ?? new Uint8Array()) };
    case 4: return { kind: 'tensor', value: decodeTensor(a.t as Obj, options, `${node}.${String(a.name)}`) };
    case 5: case 10: return { kind: 'graph' };
    case 6: return { kind: 'floats', value: ((a.floats as number[] | undefined) ?? []).map(Number) };
    case 7: return { kind: 'ints', value: ((a.ints as number[] | undefined) ?? []).map(Number) };
    case 8: return { kind: 'strings', value: ((a.strings as Uint8Array[] | undefined) ?? []).map((s) => text.decode(s)) };
    default:
      // Old exporters leave `type` unset: infer it from the field that is present.
      if (a.t) return { kind: 'tensor', value: decodeTensor(a.t as Obj, options, `${node}.${String(a.name)}`) };
      if ((a.ints as unknown[] | undefined)?.length) return { kind: 'ints', value: (a.ints as number[]).map(Number) };
      if ((a.floats as unknown[] | undefined)?.length) return { kind: 'floats', value: (a.floats as number[]).map(Number) };
      if (a.s !== undefined) return { kind: 'string', value: text.decode(a.s as Uint8Array) };
      if (a.f !== undefined) return { kind: 'float', value: Number(a.f) };
      return { kind: 'int', value: Number(a.i ?? 0) };
  }
}

function decodeValueInfo(v: Obj): OnnxValueInfo {
  const name = String(v.name ?? '');
  const tensor = (v.type as Obj | undefined)?.tensor_type as Obj | undefined;
  if (tensor === undefined) return { name };
  const shapeProto = tensor.shape as Obj | undefined;
  const info: OnnxValueInfo = { name, elemType: Number(tensor.elem_type ?? 0) };
  if (shapeProto !== undefined) {
    info.shape = ((shapeProto.dim as Obj[] | undefined) ?? []).map((d) =>
      typeof d.dim_value === 'number' ? d.dim_value : typeof d.dim_param === 'string' ? d.dim_param : undefined);
  }
  return info;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** int64 values (shapes, axes, slice bounds) narrow to int32; INT64_MAX-style "to the end" bounds clamp. */
function clampInt32(v: number): number {
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v;
}

/** A TensorProto as the importer's constant: float32, int32 (int64 narrowed) or bool. */
export function decodeTensor(t: Obj, options: ReadOnnxOptions, fallbackName = 'tensor'): ConstTensor {
  const name = typeof t.name === 'string' && t.name ? t.name : fallbackName;
  const shape = ((t.dims as number[] | undefined) ?? []).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dtype = Number(t.data_type ?? 0);
  let raw = t.raw_data as Uint8Array | undefined;
  if (t.data_location === 1) raw = externalBytes(t, name, options);
  const fail = (what: string): never => {
    throw new InvalidSourceError(`ONNX tensor '${name}' ${what}`);
  };
  const fromRaw = <T>(bytesPer: number, read: (view: DataView, offset: number) => T): T[] => {
    if (raw!.byteLength !== count * bytesPer) fail(`has ${raw!.byteLength} bytes of data for shape [${shape.join(', ')}] (${count} x ${bytesPer} expected)`);
    const view = new DataView(raw!.buffer, raw!.byteOffset, raw!.byteLength);
    return Array.from({ length: count }, (_v, i) => read(view, i * bytesPer));
  };
  const typed = (values: number[] | undefined): number[] => {
    const list = values ?? [];
    if (list.length !== count) fail(`has ${list.length} values for shape [${shape.join(', ')}] (${count} expected)`);
    return list.map(Number);
  };
  const has = raw !== undefined;
  switch (dtype) {
    case ONNX_DTYPE.FLOAT: {
      if (has) {
        if (raw!.byteLength !== count * 4) fail(`has ${raw!.byteLength} bytes of data for shape [${shape.join(', ')}] (${count} x 4 expected)`);
        // Copy (new Uint8Array of a view copies): the bytes may be an unaligned view of a larger buffer, a
        // Node Buffer's pool among them, whose slice() does not copy.
        return { name, dtype: 'float32', shape, data: new Float32Array(new Uint8Array(raw!).buffer) };
      }
      return { name, dtype: 'float32', shape, data: Float32Array.from(typed(t.float_data as number[])) };
    }
    case ONNX_DTYPE.DOUBLE:
      return { name, dtype: 'float32', shape, data: Float32Array.from(has ? fromRaw(8, (v, o) => v.getFloat64(o, true)) : typed(t.double_data as number[])) };
    case ONNX_DTYPE.FLOAT16:
      return { name, dtype: 'float32', shape, data: Float32Array.from(has ? fromRaw(2, (v, o) => float16BitsToFloat32(v.getUint16(o, true))) : typed(t.int32_data as number[]).map(float16BitsToFloat32)) };
    case ONNX_DTYPE.INT64:
      return { name, dtype: 'int32', shape, data: Int32Array.from(has ? fromRaw(8, (v, o) => clampInt32(Number(v.getBigInt64(o, true)))) : typed(t.int64_data as number[]).map(clampInt32)) };
    case ONNX_DTYPE.INT32:
      return { name, dtype: 'int32', shape, data: Int32Array.from(has ? fromRaw(4, (v, o) => v.getInt32(o, true)) : typed(t.int32_data as number[])) };
    case ONNX_DTYPE.INT16: case ONNX_DTYPE.INT8: case ONNX_DTYPE.UINT8: case ONNX_DTYPE.UINT16: {
      const size = dtype === ONNX_DTYPE.INT16 || dtype === ONNX_DTYPE.UINT16 ? 2 : 1;
      const read = (v: DataView, o: number): number =>
        dtype === ONNX_DTYPE.INT16 ? v.getInt16(o, true) : dtype === ONNX_DTYPE.UINT16 ? v.getUint16(o, true) : dtype === ONNX_DTYPE.INT8 ? v.getInt8(o) : v.getUint8(o);
      return { name, dtype: 'int32', shape, data: Int32Array.from(has ? fromRaw(size, read) : typed(t.int32_data as number[])) };
    }
    case ONNX_DTYPE.BOOL:
      return { name, dtype: 'bool', shape, data: Uint8Array.from(has ? fromRaw(1, (v, o) => (v.getUint8(o) ? 1 : 0)) : typed(t.int32_data as number[]).map((x) => (x ? 1 : 0))) };
    default:
      return fail(`has element type ${ONNX_DTYPE_NAMES[dtype] ?? dtype}, which the converter does not read (float, float16, double, int8-64, bool are)`);
  }
}

function externalBytes(t: Obj, name: string, options: ReadOnnxOptions): Uint8Array {
  const entries = new Map(((t.external_data as Obj[] | undefined) ?? []).map((e) => [String(e.key), String(e.value)]));
  const location = entries.get('location');
  if (location === undefined) throw new InvalidSourceError(`ONNX tensor '${name}' is stored outside the model but names no location`);
  const file = options.externalData?.[location];
  if (file === undefined) {
    throw new InvalidSourceError(
      `ONNX tensor '${name}' is stored in the external data file '${location}', which was not found next to the model: ` +
        'copy that file beside the .onnx file (or save the model with its weights inside it)',
    );
  }
  const offset = Number(entries.get('offset') ?? 0);
  const length = entries.has('length') ? Number(entries.get('length')) : file.byteLength - offset;
  if (!(offset >= 0 && length >= 0 && offset + length <= file.byteLength)) {
    throw new InvalidSourceError(`ONNX tensor '${name}' reads bytes ${offset}..${offset + length} of '${location}', which has ${file.byteLength}: the file is truncated or belongs to another model`);
  }
  return file.subarray(offset, offset + length);
}

