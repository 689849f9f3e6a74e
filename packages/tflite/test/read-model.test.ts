import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { BuiltinOptions } from '../src/generated/tflite/builtin-options.js';
import { Model } from '../src/generated/tflite/model.js';
import { builtinName, dtypeByteLength, dtypeFromTensorType, elementCount, readModel, type Graph } from '../src/index.js';
import { loadRealModel, REAL_MODEL_NAMES } from './fixtures.js';

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function opcodes(graph: Graph): Set<string> {
  return new Set(graph.subgraphs[0]!.operators.map((op) => (op.opcode === 'CUSTOM' ? `custom:${op.customCode}` : op.opcode)));
}

describe('readModel on the real MediaPipe models', () => {
  it.each(REAL_MODEL_NAMES)('%s reads, and every constant holds exactly the bytes its shape needs', (name) => {
    const graph = readModel(loadRealModel(name));
    expect(graph.version).toBe(3);
    expect(graph.subgraphs).toHaveLength(1);
    const [subgraph] = graph.subgraphs;
    expect(subgraph!.inputs).toHaveLength(1);
    for (const tensor of subgraph!.tensors) {
      if (tensor.data && !tensor.sparsity) {
        expect(tensor.data.length).toBe(dtypeByteLength(tensor.dtype, elementCount(tensor.shape)));
      }
    }
  });

  it('face_detection_short_range: input, outputs, operators and options as the file states them', () => {
    const graph = readModel(loadRealModel('face_detection_short_range'));
    const subgraph = graph.subgraphs[0]!;
    expect(graph.description).toBe('keras2tflite_facedetector-front.tflite.generated');
    expect(subgraph.tensors).toHaveLength(250);
    expect(subgraph.operators).toHaveLength(164);
    const input = subgraph.tensors[subgraph.inputs[0]!]!;
    expect(input).toMatchObject({ name: 'input', dtype: 'float32', shape: [1, 128, 128, 3] });
    expect(input.data).toBeUndefined();
    expect(subgraph.outputs.map((i) => subgraph.tensors[i]!.name)).toEqual(['regressors', 'classificators']);
    expect(subgraph.outputs.map((i) => subgraph.tensors[i]!.shape)).toEqual([[1, 896, 16], [1, 896, 1]]);
    expect([...opcodes(graph)].sort()).toEqual(
      ['ADD', 'CONCATENATION', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'DEQUANTIZE', 'MAX_POOL_2D', 'PAD', 'RELU', 'RESHAPE'],
    );

    // Operator 0 dequantizes the float16 bias of the first convolution (version 2 in the file).
    const dequantize = subgraph.operators[0]!;
    expect(dequantize).toMatchObject({ opcode: 'DEQUANTIZE', version: 2, inputs: [2], outputs: [193] });
    const bias = subgraph.tensors[2]!;
    expect(bias).toMatchObject({ name: 'conv2d/Bias', dtype: 'float16', shape: [24] });
    expect(bias.data).toHaveLength(48);

    // Operator 2 is the first convolution: 5x5 kernel, stride 2, options decoded from the union.
    const conv = subgraph.operators[2]!;
    expect(conv).toMatchObject({ opcode: 'CONV_2D', inputs: [0, 224, 193], outputs: [3], optionsType: 'Conv2DOptions' });
    expect(conv.options).toMatchObject({ strideW: 2, strideH: 2, padding: 0, fusedActivationFunction: 0 });
    expect(subgraph.tensors[224]!.shape).toEqual([24, 5, 5, 3]);
  });

  it('selfie_segmentation: the MediaPipe custom op keeps its name and options bytes', () => {
    const graph = readModel(loadRealModel('selfie_segmentation'));
    const subgraph = graph.subgraphs[0]!;
    expect(opcodes(graph)).toContain('custom:Convolution2DTransposeBias');
    const custom = subgraph.operators[244]!;
    expect(custom).toMatchObject({ opcode: 'CUSTOM', customCode: 'Convolution2DTransposeBias', inputs: [245, 253, 281], outputs: [248] });
    expect([...custom.customOptions!]).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0]);
    expect(subgraph.tensors[subgraph.outputs[0]!]!.shape).toEqual([1, 256, 256, 1]);
  });

  it('face_detection_full_range_sparse: DENSIFY, sparse constants, and metadata', () => {
    const graph = readModel(loadRealModel('face_detection_full_range_sparse'));
    const subgraph = graph.subgraphs[0]!;
    expect(opcodes(graph)).toContain('DENSIFY');
    expect(subgraph.operators.filter((op) => op.opcode === 'DENSIFY')).toHaveLength(46);
    const sparse = subgraph.tensors.filter((tensor) => tensor.sparsity !== undefined);
    expect(sparse).toHaveLength(46);
    const first = sparse[0]!;
    expect(first).toMatchObject({ name: 'model_1/model/conv2d_1/Conv2D_dequantize', dtype: 'float16', shape: [8, 1, 1, 32] });
    expect(first.sparsity).toMatchObject({
      traversalOrder: [0, 1, 2, 3],
      dimMetadata: [
        { denseSize: 8 }, { denseSize: 1 }, { denseSize: 1 },
        { format: 1, arraySegments: { values: [0, 15, 30, 39, 48, 57, 63, 68, 77] } },
      ],
    });
    // 77 stored values of float16, not the 256 the dense shape would need.
    expect(first.data).toHaveLength(154);
    expect(graph.metadata).toHaveLength(1);
    expect(graph.metadata[0]!.name).toBe('min_runtime_version');
    expect(new TextDecoder().decode(graph.metadata[0]!.data).replace(/\0+$/, '')).toBe('2.2.0');
    expect(graph.description).toBe('MLIR Converted.');
  });

  it.each(REAL_MODEL_NAMES)('%s decodes the same as the generated object API on a trusted file', (name) => {
    // The stock generated unpack() is an independent decoder; on an intact file both must agree.
    const bytes = loadRealModel(name);
    const reference = Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes)).unpack();
    const graph = readModel(bytes);
    const subgraph = graph.subgraphs[0]!;
    const expected = reference.subgraphs[0]!;
    expect(subgraph.inputs).toEqual(expected.inputs);
    expect(subgraph.outputs).toEqual(expected.outputs);
    expected.tensors.forEach((tensor, t) => {
      const actual = subgraph.tensors[t]!;
      expect(actual.shape).toEqual(tensor.shape);
      expect(actual.dtype).toBe(dtypeFromTensorType(tensor.type));
      expect(actual.name).toBe(tensor.name);
      const data = Uint8Array.from(reference.buffers[tensor.buffer]!.data);
      expect(equalBytes(actual.data ?? new Uint8Array(0), data), `tensor ${t} data`).toBe(true);
      if (tensor.sparsity) expect(actual.sparsity).toEqual(tensor.sparsity);
    });
    expected.operators.forEach((op, o) => {
      const actual = subgraph.operators[o]!;
      const code = reference.operatorCodes[op.opcodeIndex]!;
      expect(actual.opcode).toBe(builtinName(Math.max(code.deprecatedBuiltinCode, code.builtinCode)));
      expect(actual.inputs).toEqual(op.inputs);
      expect(actual.outputs).toEqual(op.outputs);
      expect(actual.optionsType).toBe(op.builtinOptionsType ? BuiltinOptions[op.builtinOptionsType] : undefined);
      if (op.builtinOptions) expect(actual.options).toEqual({ ...op.builtinOptions });
    });
  });

  it('reads a model whose bytes sit at an unaligned offset of a larger buffer', () => {
    const bytes = loadRealModel('selfie_segmentation_landscape');
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const graph = readModel(shifted.subarray(3));
    expect(graph.subgraphs[0]!.tensors[graph.subgraphs[0]!.inputs[0]!]!.shape).toEqual([1, 144, 256, 3]);
  });

  it('copies constant data out of the file, also when given a Node Buffer (whose slice() is a view)', () => {
    for (const bytes of [loadRealModel('face_detection_short_range'), Buffer.from(loadRealModel('face_detection_short_range'))]) {
      const graph = readModel(bytes);
      const bias = graph.subgraphs[0]!.tensors[2]!.data!;
      expect(Object.getPrototypeOf(bias)).toBe(Uint8Array.prototype);
      const before = [...bias];
      bytes.fill(0);
      expect([...bias]).toEqual(before);
    }
  });
});
