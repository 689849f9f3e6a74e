import { isDeepStrictEqual } from 'node:util';
import { ByteBuffer } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import {
  ActivationFunctionType,
  BuiltinOptions,
  BuiltinOptions2,
  GraphBuilder,
  InvalidGraphError,
  Padding,
  readModel,
  writeModel,
  type Graph,
} from '@borde/tflite';
import { mediapipeModels } from '@borde/test/harness';
import { Model } from '../src/generated/tflite/model.js';
import { Conv2DOptions } from '../src/generated/tflite/conv2doptions.js';
import { StablehloPadOptions } from '../src/generated/tflite/stablehlo-pad-options.js';
import { FullyConnectedOptions } from '../src/generated/tflite/fully-connected-options.js';

/** A graph touching every part of the writer: options of both unions, custom op, shared and quantized constants. */
function richGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 4, 4, 2], { shapeSignature: [-1, 4, 4, 2] });
  const w = b.constant('w', 'float32', [3, 3, 3, 2], new Float32Array(54).map((_, i) => i / 10));
  const bias = b.constant('bias', 'float32', [3], Float32Array.of(0.5, -0.5, 1));
  const conv = b.op(
    'CONV_2D',
    [x, w, bias],
    {
      optionsType: 'Conv2DOptions',
      options: { padding: Padding.SAME, strideW: 2, strideH: 1, fusedActivationFunction: ActivationFunctionType.RELU6 },
    },
    { name: 'conv', dtype: 'float32', shape: [1, 4, 2, 3] },
  );
  // Two constants given the same Uint8Array object share one buffer.
  const sharedBytes = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
  const s1 = b.constant('s1', 'float32', [4], sharedBytes);
  const s2 = b.constant('s2', 'float32', [2, 2], sharedBytes);
  const flat = b.op('RESHAPE', [conv, b.constant('shape', 'int32', [2], Int32Array.of(1, 24))], undefined, {
    name: 'flat', dtype: 'float32', shape: [1, 24],
  });
  const qw = b.constant('qw', 'int8', [2, 24], new Int8Array(48).fill(3), {
    quantization: { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0, min: [-1, -2], max: [1, 2] },
  });
  const fc = b.op('FULLY_CONNECTED', [flat, qw, -1], { optionsType: 'FullyConnectedOptions', options: { keepNumDims: true } }, {
    name: 'fc', dtype: 'float32', shape: [1, 2],
  });
  const padded = b.op('STABLEHLO_PAD', [fc, b.constant('pv', 'float32', [], Float32Array.of(0))], {
    optionsType: 'StablehloPadOptions',
    options: { edgePaddingLow: [0n, 1n], edgePaddingHigh: [0n, 1n], interiorPadding: [0n, 0n] },
  }, { name: 'padded', dtype: 'float32', shape: [1, 4] });
  const [c1, c2] = b.customOp('MyOp', [padded, s1, s2], Uint8Array.of(1, 2, 3), [
    { name: 'c1', dtype: 'float32', shape: [1, 4] },
    { name: 'c2', dtype: 'float32', shape: [1, 4] },
  ]);
  const g = b.op('GELU', [c1!], { optionsType: 'GeluOptions', options: { approximate: true } }, {
    name: 'gelu', dtype: 'float32', shape: [1, 4],
  });
  b.output(g, c2!);
  b.signature('serving_default', { image: x }, { scores: g, extra: c2! });
  b.metadata('min_runtime_version', new TextEncoder().encode('1.5.0'));
  return b.build();
}

function open(bytes: Uint8Array) {
  return Model.getRootAsModel(new ByteBuffer(bytes));
}

describe('writeModel', () => {
  const graph = richGraph();
  const bytes = writeModel(graph);
  const model = open(bytes);
  const sg = model.subgraphs(0)!;

  it('writes a TFL3 flatbuffer of schema version 3 with a description', () => {
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('TFL3');
    expect(Model.bufferHasIdentifier(new ByteBuffer(bytes))).toBe(true);
    expect(model.version()).toBe(3);
    expect(model.description()).toBe('Borde');
  });

  it('writes both builtin code fields, 127 in the deprecated one for codes above it, and custom codes', () => {
    const codes = Array.from({ length: model.operatorCodesLength() }, (_, i) => {
      const c = model.operatorCodes(i)!;
      return { deprecated: c.deprecatedBuiltinCode(), code: c.builtinCode(), custom: c.customCode(), version: c.version() };
    });
    expect(codes).toEqual([
      { deprecated: 3, code: 3, custom: null, version: 1 }, // CONV_2D float
      { deprecated: 22, code: 22, custom: null, version: 1 }, // RESHAPE
      { deprecated: 9, code: 9, custom: null, version: 12 }, // FULLY_CONNECTED hybrid, per-channel int8 weights
      { deprecated: 127, code: 195, custom: null, version: 1 }, // STABLEHLO_PAD
      { deprecated: 32, code: 32, custom: 'MyOp', version: 1 }, // CUSTOM
      { deprecated: 127, code: 150, custom: null, version: 1 }, // GELU
    ]);
  });

  it('keeps buffer 0 empty, shares buffers by identity, and aligns every constant to 16 bytes', () => {
    expect(model.buffers(0)!.dataLength()).toBe(0);
    const bufferOf = (name: string) => {
      for (let i = 0; i < sg.tensorsLength(); i++) if (sg.tensors(i)!.name() === name) return sg.tensors(i)!.buffer();
      throw new Error(name);
    };
    expect(bufferOf('x')).toBe(0);
    expect(bufferOf('conv')).toBe(0);
    expect(bufferOf('s1')).toBe(bufferOf('s2'));
    expect(bufferOf('w')).not.toBe(bufferOf('bias'));
    // w, bias, shared, shape, qw, pv + one metadata buffer, plus buffer 0
    expect(model.buffersLength()).toBe(8);
    for (let i = 1; i < model.buffersLength(); i++) {
      const data = model.buffers(i)!.dataArray()!;
      expect(data.length).toBeGreaterThan(0);
      expect((data.byteOffset - bytes.byteOffset) % 16).toBe(0);
    }
    const w = model.buffers(bufferOf('w'))!.dataArray()!;
    expect(Array.from(new Float32Array(w.slice().buffer)).slice(0, 3)).toEqual([0, 0.1, 0.2].map(Math.fround));
  });

  it('decodes the options of both unions back', () => {
    const conv = sg.operators(0)!;
    expect(conv.builtinOptionsType()).toBe(BuiltinOptions.Conv2DOptions);
    const convOptions = conv.builtinOptions(new Conv2DOptions()) as Conv2DOptions;
    expect([convOptions.padding(), convOptions.strideW(), convOptions.strideH(), convOptions.fusedActivationFunction()])
      .toEqual([Padding.SAME, 2, 1, ActivationFunctionType.RELU6]);
    const fc = sg.operators(2)!;
    expect((fc.builtinOptions(new FullyConnectedOptions()) as FullyConnectedOptions).keepNumDims()).toBe(true);
    expect(fc.inputsArray()).toEqual(Int32Array.from(graph.subgraphs[0]!.operators[2]!.inputs));
    const pad = sg.operators(3)!;
    expect(pad.builtinOptionsType()).toBe(BuiltinOptions.NONE);
    expect(pad.builtinOptions2Type()).toBe(BuiltinOptions2.StablehloPadOptions);
    const padOptions = pad.builtinOptions2(new StablehloPadOptions()) as StablehloPadOptions;
    expect([padOptions.edgePaddingLow(0), padOptions.edgePaddingLow(1), padOptions.edgePaddingLowLength()]).toEqual([0n, 1n, 2]);
    const custom = sg.operators(4)!;
    expect(Array.from(custom.customOptionsArray()!)).toEqual([1, 2, 3]);
    expect(custom.outputsLength()).toBe(2);
  });

  it('writes quantization, shape signatures, signatures and metadata', () => {
    let qw = sg.tensors(0)!;
    for (let i = 0; i < sg.tensorsLength(); i++) if (sg.tensors(i)!.name() === 'qw') qw = sg.tensors(i)!;
    const q = qw.quantization()!;
    expect(Array.from(q.scaleArray()!)).toEqual([0.1, 0.2].map(Math.fround));
    expect([q.zeroPoint(0), q.zeroPoint(1)]).toEqual([0n, 0n]);
    expect(Array.from(q.minArray()!)).toEqual([-1, -2]);
    expect(qw.type()).toBe(9); // INT8
    expect(Array.from(sg.tensors(0)!.shapeSignatureArray()!)).toEqual([-1, 4, 4, 2]);
    expect(sg.tensors(0)!.hasRank()).toBe(true);
    expect(sg.tensors(1)!.shapeSignatureLength()).toBe(0); // absent unless given

    const sig = model.signatureDefs(0)!;
    expect(sig.signatureKey()).toBe('serving_default');
    expect([sig.inputs(0)!.name(), sig.inputs(0)!.tensorIndex()]).toEqual(['image', 0]);
    expect(sig.outputsLength()).toBe(2);
    const meta = model.metadata(0)!;
    expect(meta.name()).toBe('min_runtime_version');
    expect(new TextDecoder().decode(model.buffers(meta.buffer())!.dataArray()!)).toBe('1.5.0');
  });

  it('keeps an explicit operator version instead of choosing one', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 4]);
    b.output(b.op('LOGISTIC', [x], { version: 2 }, { name: 'y', dtype: 'float32', shape: [1, 4] }));
    expect(open(writeModel(b.build())).operatorCodes(0)!.version()).toBe(2);
  });

  it('rejects graphs that would not make a valid model, naming the place', () => {
    const bad = (mutate: (g: Graph) => void) => {
      const g = richGraph();
      mutate(g);
      return () => writeModel(g);
    };
    expect(bad((g) => (g.subgraphs[0]!.operators[0]!.inputs[1] = 999))).toThrow(InvalidGraphError);
    expect(bad((g) => (g.subgraphs[0]!.operators[0]!.inputs[1] = 999))).toThrow(/subgraphs\[0\]\.operators\[0\]\.inputs\[1\]/);
    expect(bad((g) => (g.subgraphs[0]!.operators[0]!.opcode = 'NOPE'))).toThrow(/opcode/);
    expect(bad((g) => (g.subgraphs[0]!.operators[0]!.options = { strideX: 1 }))).toThrow(/Conv2DOptions has no field 'strideX'/);
    expect(bad((g) => (g.subgraphs[0]!.operators[0]!.optionsType = 'Conv9DOptions'))).toThrow(/Conv9DOptions/);
    expect(bad((g) => (g.subgraphs[0]!.tensors[1]!.data = new Uint8Array(7)))).toThrow(/data/);
    expect(bad((g) => (g.subgraphs[0]!.outputs[0] = -1))).toThrow(/outputs\[0\]/);
  });
});

describe('writeModel on real models (read, write, read back)', () => {
  const models = mediapipeModels();

  it('finds the MediaPipe models', () => {
    expect(models.length).toBeGreaterThanOrEqual(5);
  });

  it.each(models.map((m) => [m.file, m] as const))('%s round-trips to an equal Graph', (_, m) => {
    const original = m.bytes();
    const graph = readModel(original);
    const written = writeModel(graph);
    const reread = readModel(written);
    // isDeepStrictEqual first: vitest's toEqual walks megabytes of constant data element by element.
    if (!isDeepStrictEqual(reread, graph)) expect(reread).toEqual(graph);

    // The rewritten file is well formed on its own terms: identifier, empty buffer 0, aligned constants,
    // one buffer per distinct constant, and the same operator codes and versions as the original.
    const before = open(original);
    const after = open(written);
    expect(Model.bufferHasIdentifier(new ByteBuffer(written))).toBe(true);
    expect(after.buffers(0)!.dataLength()).toBe(0);
    for (let i = 1; i < after.buffersLength(); i++) {
      const data = after.buffers(i)!.dataArray();
      if (data && data.length > 0) expect(data.byteOffset % 16).toBe(0);
    }
    const codes = (model: Model) =>
      Array.from({ length: model.operatorCodesLength() }, (_, i) => {
        const c = model.operatorCodes(i)!;
        return `${Math.max(c.builtinCode(), c.deprecatedBuiltinCode())}/${c.customCode() ?? ''}/v${c.version()}`;
      }).sort();
    expect(new Set(codes(after))).toEqual(new Set(codes(before)));
  });
});
