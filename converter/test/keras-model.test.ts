// Issue #11 (Keras part): models saved by real Keras (3.15.1 on TensorFlow 2.21, test/fixtures/keras) in both
// containers convert to float32 TFLite, and the official LiteRT interpreter reproduces Keras' own outputs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeModel, type Graph } from '@borde/tflite';
import { compareTensors, openLiteRtModel, type TensorValue } from '@borde/test/harness';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../src/calibration/npy.js';
import { InvalidSourceError, UnsupportedOpsError } from '../src/errors.js';
import { importKerasModel } from '../src/importers/keras/keras-model.js';
import { optimize } from '../src/passes/index.js';
import { convert } from '../src/convert.js';
import { int8SpecViolations } from './support/int8-spec.js';
import { breastCancerData } from './support/model-data.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/keras/', import.meta.url));
const read = (path: string) => new Uint8Array(readFileSync(FIXTURES + path));
const npy = (path: string): TensorValue => {
  const a = parseNpy(read(path), path);
  return { dtype: 'float32', shape: a.shape, data: a.data as Float32Array };
};

/** Each fixture: its inputs and outputs by name, in Keras' model.inputs / model.outputs order. */
const FIXTURE_IO: Record<string, { inputs: string[]; outputs: string[] }> = {
  'bcw-tutorial': { inputs: ['input_layer'], outputs: ['dense_1'] },
  'small-cnn': { inputs: ['input_layer_1'], outputs: ['dense_2'] },
  'two-in-two-out': { inputs: ['image', 'meta'], outputs: ['label', 'box'] },
  // generate-blocks.py: the layers Keras applications are built from; the output is the nested head model.
  'keras3-blocks': { inputs: ['pixels'], outputs: ['head'] },
};
const KERAS3 = Object.keys(FIXTURE_IO);
/** The Keras 2 dialect fixture (make-keras2-h5.ts): its output is the nested head model, named after it. */
FIXTURE_IO['keras2-cnn'] = { inputs: ['image'], outputs: ['head'] };

/** Row `i` of a batch-first tensor, as a batch of one. */
function row(t: TensorValue, i: number): TensorValue {
  const size = t.shape.slice(1).reduce((n, d) => n * d, 1);
  return { ...t, shape: [1, ...t.shape.slice(1)], data: (t.data as Float32Array).subarray(i * size, (i + 1) * size) };
}

/** Runs every row through LiteRT (the graph has batch 1) and stacks the outputs, by output name. */
async function runRows(graph: Graph, inputs: Record<string, TensorValue>): Promise<Record<string, TensorValue>> {
  const model = await openLiteRtModel(writeModel(graph));
  try {
    const signature = graph.signatures[0]!;
    const batch = Object.values(inputs)[0]!.shape[0]!;
    const parts: Record<string, Float32Array[]> = {};
    let shapes: Record<string, number[]> = {};
    for (let i = 0; i < batch; i++) {
      const outputs = await model.run(signature.inputs.map((s) => ({ ...row(inputs[s.name]!, i), name: s.name })));
      for (const o of outputs) {
        (parts[o.name!] ??= []).push(Float32Array.from(o.data as Float32Array));
        shapes = { ...shapes, [o.name!]: [batch, ...o.shape.slice(1)] };
      }
    }
    return Object.fromEntries(Object.entries(parts).map(([name, list]) => {
      const data = new Float32Array(list.reduce((n, p) => n + p.length, 0));
      list.reduce((offset, p) => (data.set(p, offset), offset + p.length), 0);
      return [name, { name, dtype: 'float32', shape: shapes[name]!, data }];
    }));
  } finally {
    model.close();
  }
}

describe('Keras fixtures in LiteRT against Keras model.predict', () => {
  const cases = [
    ...KERAS3.flatMap((name) => (['model.keras', 'model.h5'] as const).map((file) => [name, file] as const)),
    ['keras2-cnn', 'model.h5'] as const,
  ];
  it.each(cases)('%s/%s', async (name, file) => {
    const io = FIXTURE_IO[name]!;
    const { graph, format, kerasVersion } = importKerasModel(read(`${name}/${file}`), { label: `${name}/${file}` });
    expect(format).toBe(file === 'model.keras' ? 'keras' : 'keras-h5');
    expect(kerasVersion).toBe(name === 'keras2-cnn' ? 'tfjs-layers 4.22.0' : '3.15.1');
    const signature = graph.signatures[0]!;
    expect(signature.inputs.map((s) => s.name)).toEqual(io.inputs);
    expect(signature.outputs.map((s) => s.name)).toEqual(io.outputs);

    const inputs = Object.fromEntries(io.inputs.map((n, i) => [n, npy(`${name}/input_${i}.npy`)]));
    const actual = await runRows(optimize(graph), inputs);
    io.outputs.forEach((outputName, i) => {
      const expected = { ...npy(`${name}/output_${i}.npy`), name: outputName };
      const cmp = compareTensors(actual[outputName]!, expected);
      console.log(`${name}/${file} ${outputName}: max abs ${cmp.maxAbsError.toExponential(2)}, relative to range ${cmp.maxRelError.toExponential(2)}`);
      expect(cmp.maxRelError, `${outputName}: max abs ${cmp.maxAbsError}, range ${cmp.range}`).toBeLessThanOrEqual(1e-5);
    });
  });

  it('reads the same weights from .keras (by position) and .h5 (by name)', () => {
    for (const name of KERAS3) {
      const fromZip = importKerasModel(read(`${name}/model.keras`)).graph;
      const fromH5 = importKerasModel(read(`${name}/model.h5`)).graph;
      const constants = (g: Graph) => g.subgraphs[0]!.tensors.filter((t) => t.data).map((t) => [t.name, Array.from(t.data!)]);
      expect(constants(fromZip)).toEqual(constants(fromH5));
    }
  });
});

describe('Keras dialect details', () => {
  it('finds .keras weights by class-numbered group names when the file does not name the layers (older Keras 3)', async () => {
    // Rewrite the fixture's model.weights.h5 without the `name` attribute Keras 3.15 puts on each `vars` group.
    const { unzipSync, zipSync } = await import('fflate');
    const { File: H5Reader, Group } = await import('jsfive');
    const h5wasm = (await import('h5wasm/node')).default;
    await h5wasm.ready;
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const files = unzipSync(read('two-in-two-out/model.keras'));
    const weights = files['model.weights.h5']!;
    const source = new H5Reader(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
    const path = `${mkdtempSync(`${tmpdir()}/borde-keras-`)}/model.weights.h5`;
    const out = new h5wasm.File(path, 'w');
    type Writable = { create_group(name: string): Writable; create_dataset(args: { name: string; data: Float32Array; shape: number[]; dtype: string }): unknown };
    const copy = (from: InstanceType<typeof Group>, to: Writable): void => {
      for (const key of from.keys) {
        const child = from.get(key);
        if (child instanceof Group) copy(child, to.create_group(key));
        else to.create_dataset({ name: key, data: Float32Array.from(child.value as ArrayLike<number>), shape: child.shape, dtype: '<f4' });
      }
    };
    copy(source, out as unknown as Writable);
    out.close();
    const unnamed = zipSync({ ...files, 'model.weights.h5': new Uint8Array(readFileSync(path)) });
    const constants = (g: Graph) => g.subgraphs[0]!.tensors.filter((t) => t.data).map((t) => [t.name, Array.from(t.data!)]);
    expect(constants(importKerasModel(unnamed).graph)).toEqual(constants(importKerasModel(read('two-in-two-out/model.keras')).graph));
  });

  it('takes a Sequential model\'s input shape from build_input_shape when it lists no InputLayer (Keras 3)', async () => {
    const { zipSync, unzipSync, strFromU8, strToU8 } = await import('fflate');
    const files = unzipSync(read('bcw-tutorial/model.keras'));
    const config = JSON.parse(strFromU8(files['config.json']!));
    config.config.layers = config.config.layers.filter((l: { class_name: string }) => l.class_name !== 'InputLayer');
    expect(config.config.build_input_shape).toEqual([null, 9]);
    const { graph } = importKerasModel(zipSync({ ...files, 'config.json': strToU8(JSON.stringify(config)) }));
    const input = graph.subgraphs[0]!.tensors[graph.signatures[0]!.inputs[0]!.tensorIndex]!;
    expect(input.shape).toEqual([1, 9]);
    expect(graph.subgraphs[0]!.operators).toEqual(importKerasModel(read('bcw-tutorial/model.keras')).graph.subgraphs[0]!.operators);
  });

  it('reads registered class names (keras.layers>Dense) as the class', async () => {
    const { zipSync, unzipSync, strFromU8, strToU8 } = await import('fflate');
    const files = unzipSync(read('bcw-tutorial/model.keras'));
    const config = JSON.parse(strFromU8(files['config.json']!));
    for (const layer of config.config.layers) if (layer.class_name === 'Dense') layer.class_name = 'keras.layers>Dense';
    const renamed = importKerasModel(zipSync({ ...files, 'config.json': strToU8(JSON.stringify(config)) })).graph;
    expect(renamed.subgraphs[0]!.operators).toEqual(importKerasModel(read('bcw-tutorial/model.keras')).graph.subgraphs[0]!.operators);
  });
});

describe('the tutorial network from its model.keras, int8', () => {
  it('keeps test-split accuracy within 1 point of float with MSE calibration', async () => {
    // The split models-int8.test.ts uses for the bundled tfjs model: 82 test rows, the rest for calibration.
    // Plain min/max calibration (TFLite's) loses one of the 82 rows on this network (0.951 -> 0.939, measured);
    // MSE calibration (or --per-channel-dense) keeps all of them.
    const { calibration, test } = breastCancerData();
    const { bytes, report } = await convert(FIXTURES + 'bcw-tutorial/model.keras', {
      quantize: 'int8', calibration, evalData: test, calibrationMethod: 'mse',
    });
    const { accuracy, agreement, samples } = report.quantization!.evaluation!;
    console.log(`bcw-tutorial model.keras: float ${accuracy!.float}, int8 ${accuracy!.int8}, agreement ${agreement} on ${samples}; ` +
      `${report.float32Bytes} -> ${report.outputBytes} B`);
    expect(report.format).toBe('keras');
    expect(samples).toBe(82);
    expect(Math.abs(accuracy!.float - accuracy!.int8)).toBeLessThanOrEqual(0.01);
    expect(accuracy!.float).toBeGreaterThan(0.93);
    expect(report.verify!.passed).toBe(true);
    expect(int8SpecViolations(bytes, { io: 'float' })).toEqual([]);
  });
});

describe('Keras files that cannot be converted', () => {
  it('names a Lambda layer and a custom layer class', async () => {
    const { zipSync, unzipSync, strFromU8, strToU8 } = await import('fflate');
    const files = unzipSync(read('bcw-tutorial/model.keras'));
    const config = JSON.parse(strFromU8(files['config.json']!));
    const layers = config.config.layers as { class_name: string; config: Record<string, unknown>; registered_name: unknown; module: unknown }[];
    layers[1] = { module: 'keras.layers', class_name: 'Lambda', config: { name: 'scale_by_two', function: { class_name: '__lambda__' } }, registered_name: null };
    layers.push({ module: 'my_package.layers', class_name: 'Clip', config: { name: 'clip' }, registered_name: 'MyPackage>Clip' });
    const bytes = zipSync({ ...files, 'config.json': strToU8(JSON.stringify(config)) });
    const error = (() => {
      try {
        importKerasModel(bytes);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as UnsupportedOpsError;
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    expect(error.code).toBe('UNSUPPORTED_OPS');
    expect(error.items.map((i) => `${i.name} (${i.type})`)).toEqual(['scale_by_two (Lambda)', 'clip (Clip)']);
    expect(error.message).toMatch(/Lambda layer holds Python code/);
    expect(error.message).toMatch(/registered as "MyPackage>Clip"/);
  });

  it('refuses truncated .h5 and .keras files with InvalidSourceError, never a crash or a hang', () => {
    for (const file of ['small-cnn/model.h5', 'small-cnn/model.keras', 'two-in-two-out/model.h5', 'two-in-two-out/model.keras']) {
      const full = read(file);
      for (const fraction of [0.02, 0.2, 0.5, 0.9, 0.999]) {
        const cut = full.subarray(0, Math.floor(full.byteLength * fraction));
        const started = performance.now();
        expect(() => importKerasModel(cut, { label: file }), `${file} cut at ${fraction}`).toThrow(InvalidSourceError);
        expect(performance.now() - started).toBeLessThan(5_000);
      }
    }
  });

  it('refuses damaged configs with InvalidSourceError (found by corrupting fixture bytes)', async () => {
    const { zipSync, unzipSync, strFromU8, strToU8 } = await import('fflate');
    const files = unzipSync(read('two-in-two-out/model.keras'));
    const withConfig = (edit: (config: { config: Record<string, unknown> }) => void) => {
      const config = JSON.parse(strFromU8(files['config.json']!));
      edit(config);
      return zipSync({ ...files, 'config.json': strToU8(JSON.stringify(config)) });
    };
    const noLayers = withConfig((c) => delete c.config['layers']);
    expect(() => importKerasModel(noLayers)).toThrow(/functional model in the Keras .keras model has no "layers" list/);
    const noInputs = withConfig((c) => {
      const layers = c.config['layers'] as { name: string; inbound_nodes: unknown[] }[];
      layers.find((l) => l.name === 'label')!.inbound_nodes = [{ args: [], kwargs: {} }];
    });
    expect(() => importKerasModel(noInputs)).toThrow(/Layer "label" is applied to no tensor/);
  });

  it('says which file is not Keras at all', () => {
    expect(() => importKerasModel(new TextEncoder().encode('{"modelTopology": {}}'), { label: 'model.json' }))
      .toThrow(/model.json is neither a Keras .keras zip/);
  });
});
