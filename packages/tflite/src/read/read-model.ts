import { InvalidModelError } from '../errors.js';
import { Buffer as BufferTable } from '../generated/tflite/buffer.js';
import { Metadata as MetadataTable } from '../generated/tflite/metadata.js';
import { Model } from '../generated/tflite/model.js';
import { Operator as OperatorTable } from '../generated/tflite/operator.js';
import { SignatureDef } from '../generated/tflite/signature-def.js';
import { SubGraph } from '../generated/tflite/sub-graph.js';
import { Tensor as TensorTable } from '../generated/tflite/tensor.js';
import { TensorMap } from '../generated/tflite/tensor-map.js';
import type { Graph, Metadata, Signature, SignatureTensor, Subgraph } from '../graph.js';
import { validateGraph } from '../validate-graph.js';
import { BoundsError, ReadLimitError } from './checked-byte-buffer.js';
import { ReadContext, type Region } from './read-context.js';
import { readOperator, readOperatorCodes, type DecodedOperatorCode } from './read-operator.js';
import { readTensor } from './read-tensor.js';

/** The only schema version TFLite interpreters read. */
const SCHEMA_VERSION = 3;
const FILE_IDENTIFIER = 'TFL3';

/**
 * Reads a TensorFlow Lite model from bytes nobody vouched for, verifying before it trusts: the header
 * (`TFL3` identifier, schema version 3), every offset, vtable, vector and string against the file, every
 * index, shape, dtype and constant-data size, quantization parameters, and graph order (no cycles).
 *
 * Any defect throws InvalidModelError with a stable `reason` and a message naming the place, e.g.
 * `subgraphs[0].operators[12].inputs[1]: tensor 999 out of range (0..87)`. The time and memory it takes are
 * bounded by a constant times the file size, whatever the file holds.
 *
 * Constant data is copied out of `bytes` (the Graph does not keep the file alive). Tensors that share a
 * buffer in the file share one Uint8Array.
 */
export function readModel(bytes: Uint8Array): Graph {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`readModel expects the model file as a Uint8Array, got ${describeValue(bytes)}`);
  }
  if (bytes.byteLength === 0) {
    throw new InvalidModelError('empty', '', 'the model file is empty (0 bytes)');
  }
  const ctx = new ReadContext(bytes);
  try {
    const graph = decodeModel(ctx);
    ctx.where = '';
    validateGraph(graph, (reason, path, detail) => {
      throw new InvalidModelError(reason, path, detail);
    });
    return graph;
  } catch (error) {
    throw asInvalidModelError(error, ctx.where);
  }
}

function decodeModel(ctx: ReadContext): Graph {
  const { bb } = ctx;
  checkHeader(ctx);
  ctx.where = 'root';
  const root = bb.readUint32(0);
  if (root < 8) ctx.fail('bounds', 'root', `the root table offset ${root} points into the file header`);
  bb.require(root, 4, 'the root table');
  const model = Model.getRootAsModel(bb);

  ctx.where = 'version';
  const version = model.version();
  if (version !== SCHEMA_VERSION) {
    ctx.fail('version', 'version', `schema version ${version}; TFLite interpreters read only version ${SCHEMA_VERSION} (convert the model again with a current TensorFlow Lite converter)`);
  }

  const codes = readOperatorCodes(ctx, model);
  const buffers = readBufferRegions(ctx, model);

  ctx.where = 'subgraphs';
  const subgraphCount = ctx.vector(() => model.subgraphsLength(), 4).length;
  const subgraphs: Subgraph[] = [];
  const subgraphTable = new SubGraph();
  for (let s = 0; s < subgraphCount; s++) {
    ctx.where = `subgraphs[${s}]`;
    subgraphs.push(readSubgraph(ctx, model.subgraphs(s, subgraphTable)!, `subgraphs[${s}]`, codes, buffers));
  }

  ctx.where = 'description';
  const description = model.description() ?? '';
  const signatures = readSignatures(ctx, model);
  const metadata = readMetadata(ctx, model, buffers);
  return { version, description, subgraphs, signatures, metadata };
}

function checkHeader(ctx: ReadContext): void {
  const { bytes } = ctx;
  if (bytes.byteLength < 8) {
    ctx.fail('truncated', '', `the file has only ${bytes.byteLength} bytes; a TFLite model starts with an 8-byte header (root offset and the '${FILE_IDENTIFIER}' identifier)`);
  }
  const identifier = String.fromCharCode(...bytes.subarray(4, 8));
  if (identifier !== FILE_IDENTIFIER) {
    const sizePrefixed = bytes.byteLength >= 12 && String.fromCharCode(...bytes.subarray(8, 12)) === FILE_IDENTIFIER;
    ctx.fail(
      'identifier',
      '',
      `not a TensorFlow Lite model: bytes 4..8 are ${printable(bytes.subarray(4, 8))}, expected the file identifier '${FILE_IDENTIFIER}'` +
        (sizePrefixed ? ' (this looks like a size-prefixed flatbuffer; strip its 4-byte size prefix)' : '; interpreters reject files without it'),
    );
  }
}

/**
 * Checks every entry of `buffers` and returns where each one's bytes are (undefined when empty): either the
 * flatbuffer `data` vector, or, in models over 2 GB, the `offset`/`size` region after the flatbuffer.
 */
function readBufferRegions(ctx: ReadContext, model: Model): (Region | undefined)[] {
  ctx.where = 'buffers';
  const { length } = ctx.vector(() => model.buffersLength(), 4);
  const table = new BufferTable();
  const regions: (Region | undefined)[] = [];
  for (let i = 0; i < length; i++) {
    const path = `buffers[${i}]`;
    ctx.where = `${path}.data`;
    const buffer = model.buffers(i, table)!;
    const data = ctx.vector(() => buffer.dataLength(), 1);
    if (data.length > 0) {
      regions.push(data);
      continue;
    }
    ctx.where = `${path}.offset`;
    const offset = buffer.offset();
    const size = buffer.size();
    regions.push(offset > 1n && size > 0n ? ctx.outsideRegion(offset, size, `${path}.offset`, `buffer ${i}`) : undefined);
  }
  return regions;
}

function readSubgraph(
  ctx: ReadContext,
  table: SubGraph,
  path: string,
  codes: DecodedOperatorCode[],
  buffers: (Region | undefined)[],
): Subgraph {
  const name = table.name() ?? '';

  ctx.where = `${path}.tensors`;
  const tensorCount = ctx.vector(() => table.tensorsLength(), 4).length;
  const tensorTable = new TensorTable();
  const tensors = [];
  for (let t = 0; t < tensorCount; t++) {
    const tensorPath = `${path}.tensors[${t}]`;
    ctx.where = tensorPath;
    tensors.push(readTensor(ctx, table.tensors(t, tensorTable)!, tensorPath, buffers));
  }

  ctx.where = `${path}.inputs`;
  const inputs = ctx.int32s(() => table.inputsLength());
  ctx.where = `${path}.outputs`;
  const outputs = ctx.int32s(() => table.outputsLength());

  ctx.where = `${path}.operators`;
  const operatorCount = ctx.vector(() => table.operatorsLength(), 4).length;
  const operatorTable = new OperatorTable();
  const operators = [];
  for (let o = 0; o < operatorCount; o++) {
    const operatorPath = `${path}.operators[${o}]`;
    ctx.where = operatorPath;
    operators.push(readOperator(ctx, table.operators(o, operatorTable)!, operatorPath, codes));
  }
  return { name, tensors, operators, inputs, outputs };
}

function readSignatures(ctx: ReadContext, model: Model): Signature[] {
  ctx.where = 'signature_defs';
  const { length } = ctx.vector(() => model.signatureDefsLength(), 4);
  const table = new SignatureDef();
  const signatures: Signature[] = [];
  for (let i = 0; i < length; i++) {
    const path = `signature_defs[${i}]`;
    ctx.where = path;
    const signature = model.signatureDefs(i, table)!;
    const key = signature.signatureKey() ?? '';
    const subgraphIndex = signature.subgraphIndex();
    ctx.where = `${path}.inputs`;
    const inputs = readTensorMaps(ctx, () => signature.inputsLength(), (j, map) => signature.inputs(j, map));
    ctx.where = `${path}.outputs`;
    const outputs = readTensorMaps(ctx, () => signature.outputsLength(), (j, map) => signature.outputs(j, map));
    signatures.push({ key, subgraphIndex, inputs, outputs });
  }
  return signatures;
}

function readTensorMaps(
  ctx: ReadContext,
  measure: () => number,
  entry: (index: number, table: TensorMap) => TensorMap | null,
): SignatureTensor[] {
  const table = new TensorMap();
  return ctx.list(ctx.vector(measure, 4).length, (j) => {
    const map = entry(j, table);
    return map && { name: map.name() ?? '', tensorIndex: map.tensorIndex() };
  });
}

function readMetadata(ctx: ReadContext, model: Model, buffers: (Region | undefined)[]): Metadata[] {
  const bufferIndex = (index: number, path: string): Region | undefined => {
    if (!(index >= 0 && index < buffers.length)) {
      ctx.fail('index', path, `buffer ${index} out of range (0..${buffers.length - 1})`);
    }
    return buffers[index];
  };

  // The deprecated metadata_buffer list only names buffers; check that it names real ones.
  ctx.where = 'metadata_buffer';
  const legacy = ctx.int32s(() => model.metadataBufferLength());
  legacy.forEach((index, i) => bufferIndex(index, `metadata_buffer[${i}]`));

  ctx.where = 'metadata';
  const { length } = ctx.vector(() => model.metadataLength(), 4);
  const table = new MetadataTable();
  const metadata: Metadata[] = [];
  for (let i = 0; i < length; i++) {
    const path = `metadata[${i}]`;
    ctx.where = path;
    const entry = model.metadata(i, table)!;
    const name = entry.name() ?? '';
    const region = bufferIndex(entry.buffer(), `${path}.buffer`);
    metadata.push({ name, data: region ? ctx.copy(region) : new Uint8Array(0) });
  }
  return metadata;
}

/** Every failure while decoding becomes an InvalidModelError naming where decoding was. */
function asInvalidModelError(error: unknown, where: string): InvalidModelError {
  if (error instanceof InvalidModelError) return error;
  if (error instanceof BoundsError) return new InvalidModelError(error.kind, where, error.message, { cause: error });
  if (error instanceof ReadLimitError) return new InvalidModelError('limit', where, error.message, { cause: error });
  return new InvalidModelError('structure', where, `the model cannot be decoded here (${describeValue(error)})`, { cause: error });
}

function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

function printable(bytes: Uint8Array): string {
  const text = String.fromCharCode(...bytes);
  return /^[\x20-\x7e]*$/.test(text)
    ? `'${text}'`
    : `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
