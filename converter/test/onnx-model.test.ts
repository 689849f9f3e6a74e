import { readFileSync } from 'node:fs';
import { writeModel, type Graph } from '@borde/tflite';
import { describe, expect, it } from 'vitest';
import { InvalidSourceError, UnsupportedOpsError } from '../src/errors.js';
import { importOnnxModel } from '../src/importers/onnx/index.js';
import { onnxSchema } from '../src/importers/onnx/schema.js';
import { optimize } from '../src/passes/index.js';
import { onnxReference } from '../src/sources/onnx-reference.js';
import { liteRtRunner } from '../src/verify/interpreter.js';
import { verifyOutputs } from '../src/verify/verify.js';

// Real PyTorch networks exported to ONNX once (fixtures/onnx/make_fixtures.py, seeded weights), at opset 13
// (TorchScript exporter) and 18 and 21 (dynamo exporter). Each is imported, optimized and written as float32 TFLite,
// run in LiteRT, and compared with ONNX Runtime on the same seeded inputs, outputs by name.

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/onnx/${name}`, import.meta.url)));

function opCount(graph: Graph, opcode: string): number {
  return graph.subgraphs[0]!.operators.filter((op) => op.opcode === opcode).length;
}

async function checkAgainstOnnxRuntime(file: string, options: Parameters<typeof importOnnxModel>[1] = {}) {
  const bytes = fixture(file);
  const imported = importOnnxModel(bytes, options);
  const graph = optimize(imported.graph);
  const reference = await onnxReference(bytes, imported, options.externalData);
  const candidate = liteRtRunner(writeModel(graph));
  try {
    const report = await verifyOutputs(graph, candidate, reference, { tolerance: 1e-5, samples: 3 });
    return { imported, graph, report };
  } finally {
    reference.dispose();
    candidate.dispose();
  }
}

const NETWORKS = [
  { name: 'resnetish', outputs: ['logits'] },
  { name: 'mobilenetish', outputs: ['probabilities'] },
  { name: 'encdec', outputs: ['map', 'pooled'] },
  { name: 'mlp', outputs: ['log_probs'] },
  // LayerNorm (decomposed at 13, LayerNormalization at 18), q @ k^T, softmax: the k transpose is real work.
  { name: 'attention', outputs: ['encoded'], transposes: 1 },
  // 1-D convolutions run as 2-D ones on [N, 1, L, C]: rank-3 inputs and outputs stay NCL (a rank-3 tensor
  // may as well be a sequence), so one TRANSPOSE after the input and one before the 'decoded' output.
  { name: 'signal1d', outputs: ['scores', 'decoded'], transposes: 2 },
  // Flattening a 7x7 map computed NHWC into ONNX's NCHW order is the one TRANSPOSE this network needs.
  { name: 'layout', outputs: ['logits', 'row_sums', 'channel_max', 'nhwc_map'], transposes: 1 },
];

describe('ONNX importer: exported PyTorch networks against ONNX Runtime', () => {
  for (const net of NETWORKS) {
    for (const opset of [13, 18, 21]) {
      it(`${net.name} (opset ${opset}) matches ONNX Runtime within 1e-5 of the output range in LiteRT`, async () => {
        const { graph, report } = await checkAgainstOnnxRuntime(`${net.name}-opset${opset}.onnx`);
        expect(report.outputs.map((o) => o.name)).toEqual(net.outputs);
        for (const o of report.outputs) expect(o.maxAbsError / o.range, `${o.name}: ${JSON.stringify(o)}`).toBeLessThan(1e-5);
        expect(report.passed).toBe(true);
        // Image networks run NHWC from the input on: no layout TRANSPOSE anywhere.
        expect(opCount(graph, 'TRANSPOSE')).toBe(net.transposes ?? 0);
      }, 60_000);
    }
  }

  it('takes NHWC image inputs by default and NCHW ones with keepNchwIo (one TRANSPOSE after the input)', async () => {
    const nhwc = importOnnxModel(fixture('resnetish-opset13.onnx'));
    const sub = nhwc.graph.subgraphs[0]!;
    expect(sub.tensors[sub.inputs[0]!]!.shape).toEqual([1, 32, 32, 3]);
    expect(nhwc.inputs).toEqual([{ name: 'image', perm: [0, 2, 3, 1] }]);
    const { graph, report } = await checkAgainstOnnxRuntime('resnetish-opset13.onnx', { keepNchwIo: true });
    const s = graph.subgraphs[0]!;
    expect(s.tensors[s.inputs[0]!]!.shape).toEqual([1, 3, 32, 32]);
    expect(opCount(graph, 'TRANSPOSE')).toBe(1);
    expect(report.passed).toBe(true);
  }, 60_000);

  it('resolves a dynamic batch with inputShapes and refuses a shape of the wrong rank', () => {
    const imported = importOnnxModel(fixture('mlp-opset13.onnx'), { inputShapes: { features: [4, 12] } });
    const sub = imported.graph.subgraphs[0]!;
    expect(sub.tensors[sub.inputs[0]!]!.shape).toEqual([4, 12]);
    expect(() => importOnnxModel(fixture('mlp-opset13.onnx'), { inputShapes: { features: [12] } })).toThrow(/--input-shape for 'features' has 1 dimensions/);
  });

  it('names a dynamic spatial dimension and takes its size from inputShapes (NCHW, the model\'s layout)', () => {
    // The ResNet fixture with its input height made symbolic, as an exporter with dynamic_axes writes it.
    const type = onnxSchema().lookupType('onnx.ModelProto');
    const model = type.decode(fixture('resnetish-opset13.onnx')) as unknown as { graph: { input: { type: { tensor_type: { shape: { dim: object[] } } } }[] } };
    model.graph.input[0]!.type.tensor_type.shape.dim[2] = { dim_param: 'height' };
    const bytes = type.encode(model as never).finish();
    expect(() => importOnnxModel(bytes)).toThrow(/input 'image' has dynamic dimensions \[batch, 3, height, 32\].*--input-shape image=1,3,N,32/);
    const sub = importOnnxModel(bytes, { inputShapes: { image: [1, 3, 32, 32] } }).graph.subgraphs[0]!;
    expect(sub.tensors[sub.inputs[0]!]!.shape).toEqual([1, 32, 32, 3]);
  });

  it('fuses the exporters\' Erf GELU into one GELU op', () => {
    const { graph } = importOnnxModel(fixture('mlp-opset13.onnx'));
    expect(opCount(graph, 'GELU')).toBe(1);
  });

  it('reads weights from an external data file given by name, and names a missing one', async () => {
    const data = fixture('mlp-external.onnx.data');
    const { report } = await checkAgainstOnnxRuntime('mlp-external.onnx', { externalData: { 'mlp-external.onnx.data': data } });
    expect(report.passed).toBe(true);
    expect(() => importOnnxModel(fixture('mlp-external.onnx'))).toThrow(/external data file 'mlp-external.onnx.data', which was not found/);
    expect(() => importOnnxModel(fixture('mlp-external.onnx'), { externalData: { 'mlp-external.onnx.data': data.subarray(0, 100) } })).toThrow(InvalidSourceError);
  }, 60_000);

  it('reads the same weights from a Node Buffer (a view into a shared pool) as from a plain Uint8Array', () => {
    const file = new URL('./fixtures/onnx/mlp-opset13.onnx', import.meta.url);
    const fromBuffer = importOnnxModel(readFileSync(file)).graph.subgraphs[0]!.tensors.filter((t) => t.data);
    const fromCopy = importOnnxModel(fixture('mlp-opset13.onnx')).graph.subgraphs[0]!.tensors.filter((t) => t.data);
    expect(fromBuffer.map((t) => [t.name, Array.from(t.data!)])).toEqual(fromCopy.map((t) => [t.name, Array.from(t.data!)]));
  });

  it('refuses a corrupt protobuf with a typed error', () => {
    const bytes = fixture('resnetish-opset13.onnx');
    expect(() => importOnnxModel(bytes.subarray(0, bytes.byteLength / 2))).toThrow(InvalidSourceError);
    expect(() => importOnnxModel(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(/not a valid ONNX file/);
  });

  it('lists every unsupported op of a model at once, with the reason for each', () => {
    const type = onnxSchema().lookupType('onnx.ModelProto');
    const info = (name: string) => ({ name, type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_value: 1 }, { dim_value: 4 }] } } } });
    const bytes = type.encode(type.fromObject({
      ir_version: 8,
      opset_import: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        input: [info('x')],
        output: [info('y')],
        node: [
          { op_type: 'Einsum', input: ['x'], output: ['a'], name: 'einsum', attribute: [{ name: 'equation', type: 3, s: new TextEncoder().encode('ij->ij') }] },
          { op_type: 'Relu', input: ['x'], output: ['b'], name: 'relu' },
          { op_type: 'Pad', input: ['b', 'pads'], output: ['c'], name: 'edge_pad', attribute: [{ name: 'mode', type: 3, s: new TextEncoder().encode('edge') }] },
          { op_type: 'Add', input: ['a', 'c'], output: ['y'], name: 'add' },
        ],
        initializer: [{ name: 'pads', dims: [4], data_type: 7, int64_data: [0, 1, 0, 1] }],
      },
    })).finish();
    let error: unknown;
    try {
      importOnnxModel(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    // The Add that consumes both is not reported: its inputs are the ones at fault.
    expect((error as UnsupportedOpsError).items).toEqual([
      { name: 'einsum', type: 'Einsum' },
      { name: 'edge_pad', type: 'Pad', detail: "mode 'edge' (constant and reflect are supported)" },
    ]);
  });

  it('lists an op of another domain, naming the domain, in one UnsupportedOpsError', () => {
    let error: unknown;
    try {
      importOnnxModel(fixture('other-domain.onnx'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    const items = (error as UnsupportedOpsError).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'FusedGelu', detail: expect.stringContaining("domain 'com.microsoft'") });
  });
});
