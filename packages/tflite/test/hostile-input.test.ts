// Bytes nobody vouched for: every malformed file must end in InvalidModelError with the right `reason` and a
// message naming the place, never a RangeError/TypeError, a hang or a huge allocation. Cases are made either
// by patching a real MediaPipe model at positions found by reading it, or by building small models with the
// generated flatbuffers object API (independent of the project's writer).
import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { Buffer as BufferTable, BufferT } from '../src/generated/tflite/buffer.js';
import { BuiltinOperator } from '../src/generated/tflite/builtin-operator.js';
import { BuiltinOptions } from '../src/generated/tflite/builtin-options.js';
import { Metadata as MetadataTable, MetadataT } from '../src/generated/tflite/metadata.js';
import { Model, ModelT } from '../src/generated/tflite/model.js';
import { OperatorCodeT } from '../src/generated/tflite/operator-code.js';
import { OperatorT } from '../src/generated/tflite/operator.js';
import { QuantizationParametersT } from '../src/generated/tflite/quantization-parameters.js';
import { SignatureDefT } from '../src/generated/tflite/signature-def.js';
import { SubGraph, SubGraphT } from '../src/generated/tflite/sub-graph.js';
import { Tensor, TensorT } from '../src/generated/tflite/tensor.js';
import { TensorMapT } from '../src/generated/tflite/tensor-map.js';
import { TensorType } from '../src/generated/tflite/tensor-type.js';
import { WhileOptionsT } from '../src/generated/tflite/while-options.js';
import { InvalidModelError, readModel, type InvalidModelReason } from '../src/index.js';
import { loadRealModel, mulberry32 } from './fixtures.js';

/** Reads `bytes`, expecting InvalidModelError with `reason`; returns it for further checks. */
function expectInvalid(bytes: Uint8Array, reason: InvalidModelReason, path?: string | RegExp): InvalidModelError {
  let caught: unknown;
  try {
    readModel(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'readModel should have thrown').toBeInstanceOf(InvalidModelError);
  const error = caught as InvalidModelError;
  expect({ reason: error.reason, message: error.message }).toMatchObject({ reason });
  expect(error.code).toBe('INVALID_MODEL');
  if (path !== undefined) {
    if (typeof path === 'string') expect(error.path).toBe(path);
    else expect(error.path).toMatch(path);
    expect(error.message.startsWith(`${error.path}: `)).toBe(true);
  }
  return error;
}

/** Reads `bytes`, accepting a Graph or InvalidModelError and nothing else; returns the reason or 'ok'. */
function readOrReason(bytes: Uint8Array): string {
  try {
    readModel(bytes);
    return 'ok';
  } catch (error) {
    if (error instanceof InvalidModelError) return error.reason;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Small models built with the generated object API: input -> ADD(bias) -> RELU -> output.

function tensor(name: string, shape: number[], buffer = 0, type = TensorType.FLOAT32): TensorT {
  const t = new TensorT();
  Object.assign(t, { name, shape, buffer, type });
  return t;
}

function operator(opcodeIndex: number, inputs: number[], outputs: number[]): OperatorT {
  const op = new OperatorT();
  Object.assign(op, { opcodeIndex, inputs, outputs });
  return op;
}

function operatorCode(code: number, customCode: string | null = null): OperatorCodeT {
  return new OperatorCodeT(Math.min(code, 127), customCode, 1, code);
}

function float32Bytes(values: number[]): number[] {
  return [...new Uint8Array(new Float32Array(values).buffer)];
}

function tinyModelT(): ModelT {
  const model = new ModelT();
  model.version = 3;
  model.operatorCodes = [operatorCode(BuiltinOperator.ADD), operatorCode(BuiltinOperator.RELU)];
  const subgraph = new SubGraphT();
  subgraph.tensors = [tensor('input', [1, 4]), tensor('bias', [1, 4], 1), tensor('sum', [1, 4]), tensor('output', [1, 4])];
  subgraph.inputs = [0];
  subgraph.outputs = [3];
  subgraph.operators = [operator(0, [0, 1], [2]), operator(1, [2], [3])];
  model.subgraphs = [subgraph];
  model.buffers = [new BufferT(), new BufferT(float32Bytes([1, 2, 3, 4]))];
  return model;
}

function pack(model: ModelT, identifier: string | null = 'TFL3'): Uint8Array {
  const builder = new flatbuffers.Builder(1024);
  builder.finish(model.pack(builder), identifier ?? undefined);
  return builder.asUint8Array().slice();
}

/** The tiny model after `edit`. */
function tiny(edit: (model: ModelT, subgraph: SubGraphT) => void = () => {}): Uint8Array {
  const model = tinyModelT();
  edit(model, model.subgraphs[0]!);
  return pack(model);
}

// ---------------------------------------------------------------------------------------------------------
// Positions inside a real model, found by reading it with the stock (trusting) flatbuffers reader.

const SLOT = {
  modelVersion: 4,
  modelSubgraphs: 8,
  modelBuffers: 12,
  subgraphTensors: 4,
  tensorShape: 4,
  operatorInputs: 6,
  bufferData: 4,
} as const;

class Positions {
  readonly bb: flatbuffers.ByteBuffer;
  readonly model: Model;
  readonly subgraph: SubGraph;
  constructor(readonly bytes: Uint8Array) {
    this.bb = new flatbuffers.ByteBuffer(bytes);
    this.model = Model.getRootAsModel(this.bb);
    this.subgraph = this.model.subgraphs(0)!;
  }
  /** Where the value of a table's field is stored. */
  field(table: { bb_pos: number }, slot: number): number {
    const offset = this.bb.__offset(table.bb_pos, slot);
    if (!offset) throw new Error(`field ${slot} absent`);
    return table.bb_pos + offset;
  }
  /** Where element `k` of a table's vector field is stored. */
  element(table: { bb_pos: number }, slot: number, k: number, size = 4): number {
    return this.bb.__vector(this.field(table, slot)) + k * size;
  }
  /** Where the length of a table's vector field is stored. */
  vectorLength(table: { bb_pos: number }, slot: number): number {
    return this.bb.__vector(this.field(table, slot)) - 4;
  }
  tensor(t: number): Tensor {
    return this.subgraph.tensors(t)!;
  }
  operator(o: number) {
    return this.subgraph.operators(o)!;
  }
  writeInt32(position: number, value: number): Uint8Array {
    new DataView(this.bytes.buffer, this.bytes.byteOffset).setInt32(position, value, true);
    return this.bytes;
  }
}

function shortRange(): Positions {
  return new Positions(loadRealModel('face_detection_short_range'));
}

// ---------------------------------------------------------------------------------------------------------

describe('readModel rejects hostile input', () => {
  it('the tiny hand-built model itself is valid', () => {
    const graph = readModel(tiny());
    expect(graph.subgraphs[0]!.operators.map((op) => op.opcode)).toEqual(['ADD', 'RELU']);
    expect([...new Float32Array(graph.subgraphs[0]!.tensors[1]!.data!.slice().buffer)]).toEqual([1, 2, 3, 4]);
  });

  it('an empty file', () => {
    expectInvalid(new Uint8Array(0), 'empty');
  });

  it('a real model truncated at every length of its first 4 KiB', () => {
    const bytes = loadRealModel('face_detection_short_range');
    for (let length = 1; length <= 4096; length++) {
      const error = expectInvalid(bytes.subarray(0, length), 'truncated');
      if (length >= 8) expect(error.path).not.toBe('');
    }
  });

  it('every real model truncated at 200 random lengths', () => {
    const names = ['face_detection_short_range', 'face_detection_full_range', 'face_detection_full_range_sparse', 'selfie_segmentation', 'selfie_segmentation_landscape'] as const;
    const random = mulberry32(2024);
    for (let i = 0; i < 200; i++) {
      const bytes = loadRealModel(names[i % names.length]!);
      const length = 1 + Math.floor(random() * (bytes.length - 1));
      expectInvalid(bytes.subarray(0, length), 'truncated', /./);
    }
  });

  it('a wrong file identifier, and none at all', () => {
    const positions = shortRange();
    positions.bytes.set([...'TFL2'].map((c) => c.charCodeAt(0)), 4);
    expect(expectInvalid(positions.bytes, 'identifier').message).toContain("'TFL2'");
    expect(expectInvalid(pack(tinyModelT(), null), 'identifier').message).toContain('TFL3');
    expectInvalid(new TextEncoder().encode('<!DOCTYPE html><html>404 Not Found</html>'), 'identifier');
  });

  it('schema version 2', () => {
    const positions = shortRange();
    positions.writeInt32(positions.field(positions.model, SLOT.modelVersion), 2);
    const error = expectInvalid(positions.bytes, 'version', 'version');
    expect(error.message).toContain('schema version 2');
    expectInvalid(tiny((model) => (model.version = 4)), 'version', 'version');
  });

  it('a dimension of 2^31 (read as int32: negative) patched into a shape', () => {
    const positions = shortRange();
    positions.writeInt32(positions.element(positions.tensor(0), SLOT.tensorShape, 1), 0x80000000 | 0);
    const error = expectInvalid(positions.bytes, 'shape', 'subgraphs[0].tensors[0].shape[1]');
    expect(error.message).toContain('-2147483648');
  });

  it('a dimension of 2^31 - 1 in a constant: its data no longer matches the shape', () => {
    // Tensor 2 is conv2d/Bias, float16 [24], 48 bytes.
    const positions = shortRange();
    positions.writeInt32(positions.element(positions.tensor(2), SLOT.tensorShape, 0), 0x7fffffff);
    expectInvalid(positions.bytes, 'buffer-size', 'subgraphs[0].tensors[2].data');
  });

  it('shapes whose element count overflows 2^53, too many dimensions, or unknown dtypes', () => {
    expectInvalid(tiny((_, s) => (s.tensors[2]!.shape = [0x7fffffff, 0x7fffffff, 0x7fffffff])), 'shape', 'subgraphs[0].tensors[2].shape');
    expectInvalid(tiny((_, s) => (s.tensors[2]!.shape = new Array(17).fill(1))), 'shape', 'subgraphs[0].tensors[2].shape');
    expectInvalid(tiny((_, s) => (s.tensors[2]!.shapeSignature = [1, -2])), 'shape', 'subgraphs[0].tensors[2].shapeSignature[1]');
    expectInvalid(tiny((_, s) => (s.tensors[2]!.type = 99 as TensorType)), 'dtype', 'subgraphs[0].tensors[2].type');
  });

  it('out-of-range and negative tensor indices in operator inputs', () => {
    // Operator 14 is a DEPTHWISE_CONV_2D reading tensors [12, 189, 247].
    const positions = shortRange();
    expect(positions.operator(14).inputsLength()).toBe(3);
    const at = positions.element(positions.operator(14), SLOT.operatorInputs, 1);
    positions.writeInt32(at, 999);
    const error = expectInvalid(positions.bytes, 'index', 'subgraphs[0].operators[14].inputs[1]');
    expect(error.message).toBe('subgraphs[0].operators[14].inputs[1]: tensor 999 out of range (0..249) (-1 marks an omitted optional operand)');
    positions.writeInt32(at, -7);
    expectInvalid(positions.bytes, 'index', 'subgraphs[0].operators[14].inputs[1]');
    expectInvalid(tiny((_, s) => (s.operators[1]!.outputs = [4])), 'index', 'subgraphs[0].operators[1].outputs[0]');
    expectInvalid(tiny((_, s) => (s.inputs = [-1])), 'index', 'subgraphs[0].inputs[0]');
    expectInvalid(tiny((_, s) => (s.outputs = [9])), 'index', 'subgraphs[0].outputs[0]');
  });

  it('-1 is accepted as an omitted optional operator input', () => {
    expect(readModel(tiny((_, s) => (s.operators[0]!.inputs = [0, -1]))).subgraphs[0]!.operators[0]!.inputs).toEqual([0, -1]);
  });

  it('a cyclic graph: two operators feeding each other', () => {
    // ADD reads RELU's output and RELU reads ADD's output.
    const error = expectInvalid(tiny((_, s) => (s.operators[0]!.inputs = [0, 3])), 'order', 'subgraphs[0].operators[0].inputs[1]');
    expect(error.message).toContain("tensor 3 'output' is written by operator 1 (RELU)");
    expect(error.message).toContain('operator 0 (ADD)');
    // An operator reading its own output.
    expectInvalid(tiny((_, s) => (s.operators[1]!.inputs = [3])), 'order', 'subgraphs[0].operators[1].inputs[0]');
  });

  it('a use before definition in a real model', () => {
    // Operator 2 (the first CONV_2D) is made to read the output of operator 40, which runs later.
    const positions = shortRange();
    const later = positions.operator(40).outputs(0)!;
    positions.writeInt32(positions.element(positions.operator(2), SLOT.operatorInputs, 0), later);
    const error = expectInvalid(positions.bytes, 'order', 'subgraphs[0].operators[2].inputs[0]');
    expect(error.message).toMatch(/written by operator 40 \(\w+\), which does not run before operator 2 \(CONV_2D\)/);
  });

  it('operators out of order, a tensor written twice, a tensor read but never written', () => {
    expectInvalid(tiny((_, s) => s.operators.reverse()), 'order', 'subgraphs[0].operators[0].inputs[0]');
    const twice = expectInvalid(tiny((_, s) => (s.operators[1]!.outputs = [2])), 'order', 'subgraphs[0].operators[1].outputs[0]');
    expect(twice.message).toContain('already written by operator 0 (ADD)');
    expectInvalid(tiny((_, s) => (s.operators[0]!.inputs = [0, 3]) && s.operators.pop() && (s.outputs = [2])), 'order');
  });

  it('a buffer offset past the end of the file', () => {
    // The data vector of buffer 2 (conv2d/Bias) made to start 100 bytes after the end of the file.
    const positions = shortRange();
    const buffer = positions.model.buffers(2)!;
    const at = positions.field(buffer, SLOT.bufferData);
    positions.writeInt32(at, positions.bytes.length + 100 - at);
    const error = expectInvalid(positions.bytes, 'truncated', 'buffers[2].data');
    expect(error.message).toContain(`the file has only ${positions.bytes.length} bytes`);
    // Data stored after the flatbuffer (models over 2 GB), at an offset past the end.
    const external = expectInvalid(tiny((model) => (model.buffers[1] = new BufferT([], 1_000_000n, 16n))), 'bounds', 'buffers[1].offset');
    expect(external.message).toContain('offset 1000000 with size 16 lies outside');
  });

  it('a constant whose buffer size does not match its shape, and buffer indices out of range', () => {
    expectInvalid(tiny((model) => (model.buffers[1] = new BufferT(float32Bytes([1, 2, 3])))), 'buffer-size', 'subgraphs[0].tensors[1].data');
    expectInvalid(tiny((_, s) => (s.tensors[1]!.buffer = 7)), 'index', 'subgraphs[0].tensors[1].buffer');
    expectInvalid(tiny((model) => (model.metadata = [new MetadataT('min_runtime_version', 9)])), 'index', 'metadata[0].buffer');
    expectInvalid(tiny((model) => (model.metadataBuffer = [-3])), 'index', 'metadata_buffer[0]');
  });

  it('unknown operator codes and opcode indices out of range', () => {
    const unknown = expectInvalid(tiny((model) => (model.operatorCodes[1] = new OperatorCodeT(127, null, 1, 999 as BuiltinOperator))), 'structure', 'operator_codes[1].builtin_code');
    expect(unknown.message).toContain('unknown builtin operator code 999');
    expectInvalid(tiny((model) => (model.operatorCodes[1] = operatorCode(BuiltinOperator.CUSTOM))), 'structure', 'operator_codes[1].custom_code');
    expectInvalid(tiny((_, s) => (s.operators[1]!.opcodeIndex = 2)), 'index', 'subgraphs[0].operators[1].opcode_index');
  });

  it('inconsistent quantization parameters', () => {
    const quantized = (scale: number[], zeroPoint: bigint[], axis = 0) =>
      tiny((_, s) => (s.tensors[2]!.quantization = new QuantizationParametersT([], [], scale, zeroPoint, 0, null, axis)));
    expect(readModel(quantized([0.5], [3n])).subgraphs[0]!.tensors[2]!.quantization).toMatchObject({ scale: [0.5], zeroPoint: [3] });
    expectInvalid(quantized([0.5, 0.25], [0n]), 'structure', 'subgraphs[0].tensors[2].quantization.zeroPoint');
    expectInvalid(quantized([0.5, 0.25, 1], [0n, 0n, 0n], 1), 'shape', 'subgraphs[0].tensors[2].quantization.scale');
    expectInvalid(quantized([0.5], [0n], 5), 'shape', 'subgraphs[0].tensors[2].quantization.quantizedDimension');
  });

  it('signatures and control flow naming subgraphs or tensors that do not exist', () => {
    const signature = (subgraphIndex: number, tensorIndex: number) =>
      tiny((model) => (model.signatureDefs = [new SignatureDefT([new TensorMapT('x', tensorIndex)], [], 'serving_default', subgraphIndex)]));
    expect(readModel(signature(0, 0)).signatures).toEqual([
      { key: 'serving_default', subgraphIndex: 0, inputs: [{ name: 'x', tensorIndex: 0 }], outputs: [] },
    ]);
    expectInvalid(signature(3, 0), 'index', 'signatures[0].subgraphIndex');
    expectInvalid(signature(0, 40), 'index', 'signatures[0].inputs[0].tensorIndex');
    const loop = tiny((model, s) => {
      model.operatorCodes.push(operatorCode(BuiltinOperator.WHILE));
      const op = operator(2, [3], []);
      op.builtinOptionsType = BuiltinOptions.WhileOptions;
      op.builtinOptions = new WhileOptionsT(0, 5);
      s.operators.push(op);
    });
    expectInvalid(loop, 'index', 'subgraphs[0].operators[2].options.bodySubgraphIndex');
  });

  it('a vector length larger than the file, or negative', () => {
    const positions = shortRange();
    const at = positions.vectorLength(positions.subgraph, SLOT.subgraphTensors);
    positions.writeInt32(at, 0x7fffffff);
    expectInvalid(positions.bytes, 'truncated', 'subgraphs[0].tensors');
    positions.writeInt32(at, -1);
    expectInvalid(positions.bytes, 'bounds', 'subgraphs[0].tensors');
  });

  it('a root offset into the header or past the end', () => {
    const positions = shortRange();
    positions.writeInt32(0, 4);
    expectInvalid(positions.bytes, 'bounds', 'root');
    positions.writeInt32(0, positions.bytes.length + 8);
    expectInvalid(positions.bytes, 'truncated', 'root');
  });

  it('a small file that points every tensor at one long name hits the work limit instead of taking minutes', () => {
    // 60,000 tensor entries share one tensor table whose name is 100 KB: a 340 KB file that would make the
    // reader decode 6 GB of strings.
    const builder = new flatbuffers.Builder(1 << 20);
    const name = builder.createString('x'.repeat(100_000));
    const shape = Tensor.createShapeVector(builder, [1]);
    Tensor.startTensor(builder);
    Tensor.addShape(builder, shape);
    Tensor.addName(builder, name);
    const shared = Tensor.endTensor(builder);
    const tensors = SubGraph.createTensorsVector(builder, new Array<number>(60_000).fill(shared));
    SubGraph.startSubGraph(builder);
    SubGraph.addTensors(builder, tensors);
    const subgraph = SubGraph.endSubGraph(builder);
    const subgraphs = Model.createSubgraphsVector(builder, [subgraph]);
    BufferTable.startBuffer(builder);
    const buffers = Model.createBuffersVector(builder, [BufferTable.endBuffer(builder)]);
    Model.startModel(builder);
    Model.addVersion(builder, 3);
    Model.addSubgraphs(builder, subgraphs);
    Model.addBuffers(builder, buffers);
    builder.finish(Model.endModel(builder), 'TFL3');
    const bytes = builder.asUint8Array();
    expect(bytes.length).toBeLessThan(400_000);
    expectInvalid(bytes, 'limit', /^subgraphs\[0\]\.tensors\[\d+\]$/);
  });

  it('buffers whose data vectors overlap hit the copy limit instead of copying the file a thousand times', () => {
    // One 64 KiB data vector that holds a plausible length every 4 bytes; buffer i is then patched to start
    // 4*i bytes into it, so 1,000 distinct, overlapping regions (63 MB in all) hide in a ~100 KB file.
    const size = 65536;
    const payload = new Uint8Array(size);
    const view = new DataView(payload.buffer);
    for (let p = 0; p + 4 <= size; p += 4) view.setInt32(p, size - p - 4, true);
    const builder = new flatbuffers.Builder(1 << 18);
    const data = BufferTable.createDataVector(builder, payload);
    const name = builder.createString('m');
    const bufferTables: number[] = [];
    const metadataTables: number[] = [];
    for (let i = 0; i < 1000; i++) {
      BufferTable.startBuffer(builder);
      BufferTable.addData(builder, data);
      bufferTables.push(BufferTable.endBuffer(builder));
      metadataTables.push(MetadataTable.createMetadata(builder, name, i));
    }
    const buffers = Model.createBuffersVector(builder, bufferTables);
    const metadata = Model.createMetadataVector(builder, metadataTables);
    Model.startModel(builder);
    Model.addVersion(builder, 3);
    Model.addBuffers(builder, buffers);
    Model.addMetadata(builder, metadata);
    builder.finish(Model.endModel(builder), 'TFL3');
    const positions = new Positions(builder.asUint8Array().slice());
    for (let i = 1; i < 1000; i++) {
      const field = positions.field(positions.model.buffers(i)!, SLOT.bufferData);
      const vector = field + positions.bb.readInt32(field);
      positions.writeInt32(field, vector + 4 * i - field);
    }
    expect(positions.bytes.length).toBeLessThan(200_000);
    expect(expectInvalid(positions.bytes, 'limit', /^metadata\[\d+\]$/).message).toContain('overlap');
  });

  it('single bit flips in the first KiB of a real model read or fail with InvalidModelError', () => {
    const original = loadRealModel('face_detection_short_range');
    const reasons = new Map<string, number>();
    for (let i = 0; i < 1024; i++) {
      const bytes = original.slice();
      bytes[i] ^= 1 << (i % 8);
      const reason = readOrReason(bytes);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    // The first KiB is all structure (header, root table, vtables, operator codes): most flips are caught.
    expect(reasons.get('ok') ?? 0).toBeLessThan(1024);
    expect(reasons.get('identifier')).toBeGreaterThan(0);
  });

  it('rejects arguments that are not bytes with a TypeError (a programming error, not a bad file)', () => {
    expect(() => readModel('model.tflite' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
