import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeModel } from '@borde/tflite';
import { compareTensors, openLiteRtModel, type HarnessTensor } from '@borde/test/harness';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../src/calibration/npy.js';
import { ConverterError, InvalidSourceError } from '../src/errors.js';
import { importSavedModel, readSavedModelFolder } from '../src/importers/savedmodel/index.js';
import { optimize } from '../src/passes/index.js';
import { constValues } from '../src/importers/savedmodel/tensor-values.js';
import { convert } from '../src/convert.js';
import { int8SpecViolations } from './support/int8-spec.js';
import { breastCancerData } from './support/model-data.js';
import { createRng } from '../src/verify/seeded-inputs.js';

// The SavedModels Keras 3.15 exported (model.export) in test/fixtures/keras/<name>/saved_model, and the two
// of test/fixtures/savedmodel/ (generate.py there),
// converted to float32 TFLite and run in LiteRT on the fixtures' inputs, against TensorFlow's own outputs.
// Names, not positions: the signature's inputs are the Keras input names, its outputs output_<i> in the
// Keras model's output order (the fixtures' README).

const FIXTURES = fileURLToPath(new URL('./fixtures/keras/', import.meta.url));
const SAVEDMODEL_FIXTURES = fileURLToPath(new URL('./fixtures/savedmodel/', import.meta.url));
const npy = (dir: string, file: string) => parseNpy(readFileSync(`${dir}/${file}.npy`), file);

interface Case {
  name: string;
  /** Folder holding saved_model/ and the .npy files (default the Keras fixtures'). */
  root?: string;
  /** Signature input key -> the fixture's input file. */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  operators: string[];
}

const CASES: Case[] = [
  { name: 'bcw-tutorial', inputs: { keras_tensor: 'input_0' }, outputs: { output_0: 'output_0' }, operators: ['FULLY_CONNECTED', 'LOGISTIC'] },
  // The batch norms must fold into the convolutions (a fold that ignored the statistics fails the values).
  { name: 'small-cnn', inputs: { keras_tensor_4: 'input_0' }, outputs: { output_0: 'output_0' }, operators: ['CONV_2D', 'DEPTHWISE_CONV_2D', 'MAX_POOL_2D', 'SOFTMAX'] },
  { name: 'two-in-two-out', inputs: { image: 'input_0', meta: 'input_1' }, outputs: { output_0: 'output_0', output_1: 'output_1' }, operators: ['CONV_2D', 'CONCATENATION', 'ELU', 'LEAKY_RELU'] },
  // Made by test/fixtures/savedmodel/generate.py: a plain tf.Module (two variables named `w`, a nested
  // tf.function, named outputs) and the Keras-applications layer vocabulary (hard_swish, SE, padding).
  { name: 'tf-module', root: SAVEDMODEL_FIXTURES, inputs: { x: 'input_0' }, outputs: { score: 'output_0', features: 'output_1' }, operators: ['FULLY_CONNECTED', 'SOFTMAX'] },
  { name: 'app-blocks', root: SAVEDMODEL_FIXTURES, inputs: { pixels: 'input_0' }, outputs: { output_0: 'output_0' }, operators: ['PAD', 'DEPTHWISE_CONV_2D', 'MEAN', 'SOFTMAX'] },
];

describe('SavedModel importer on SavedModels exported by Keras and TensorFlow', () => {
  for (const c of CASES) {
    it(`${c.name}: float32 TFLite in LiteRT matches TensorFlow within 1e-5 of the output range`, async () => {
      const dir = `${c.root ?? FIXTURES}${c.name}`;
      const graph = optimize(importSavedModel(await readSavedModelFolder(`${dir}/saved_model`)));
      const signature = graph.signatures[0]!;
      expect(signature.inputs.map((t) => t.name).sort()).toEqual(Object.keys(c.inputs).sort());
      expect(signature.outputs.map((t) => t.name).sort()).toEqual(Object.keys(c.outputs).sort());
      const opcodes = new Set(graph.subgraphs[0]!.operators.map((o) => o.opcode));
      for (const op of c.operators) expect(opcodes).toContain(op);
      // small-cnn: every batch norm folded into its convolution; the one ADD left is the residual.
      if (c.name === 'small-cnn') expect(graph.subgraphs[0]!.operators.filter((o) => o.opcode === 'ADD')).toHaveLength(1);

      const model = await openLiteRtModel(writeModel(graph));
      try {
        const inputs = Object.fromEntries(Object.entries(c.inputs).map(([key, file]) => [key, npy(dir, file)]));
        const expected = Object.fromEntries(Object.entries(c.outputs).map(([key, file]) => [key, npy(dir, file)]));
        const batch = Object.values(inputs)[0]!.shape[0]!;
        const actual: Record<string, number[]> = {};
        for (let row = 0; row < batch; row++) {
          const feed: HarnessTensor[] = model.inputs.map((detail) => {
            const a = inputs[detail.name]!;
            const size = a.data.length / batch;
            return { name: detail.name, dtype: 'float32', shape: [1, ...a.shape.slice(1)], data: Float32Array.from(Array.prototype.slice.call(a.data, row * size, (row + 1) * size)) };
          });
          for (const out of await model.run(feed)) (actual[out.name!] ??= []).push(...(out.data as Float32Array));
        }
        for (const [key, want] of Object.entries(expected)) {
          const cmp = compareTensors(
            { name: key, dtype: 'float32', shape: want.shape, data: Float32Array.from(actual[key] ?? []) },
            { name: key, dtype: 'float32', shape: want.shape, data: Float32Array.from(want.data) },
          );
          expect(cmp.maxRelError, `${c.name} ${key}`).toBeLessThan(1e-5);
        }
      } finally {
        model.close();
      }
    });
  }
});

describe('SavedModel importer options', () => {
  it('inputShapes by signature key: the whole batch of two-in-two-out runs at once and matches Keras', async () => {
    const dir = `${FIXTURES}two-in-two-out`;
    const graph = optimize(importSavedModel(await readSavedModelFolder(`${dir}/saved_model`), { inputShapes: { image: [4, 16, 16, 1], meta: [4, 4] } }));
    const model = await openLiteRtModel(writeModel(graph));
    try {
      const files: Record<string, string> = { image: 'input_0', meta: 'input_1' };
      const feed: HarnessTensor[] = model.inputs.map((d) => {
        const a = npy(dir, files[d.name]!);
        return { name: d.name, dtype: 'float32', shape: a.shape, data: Float32Array.from(a.data) };
      });
      const outputs = await model.run(feed);
      for (const [key, file] of [['output_0', 'output_0'], ['output_1', 'output_1']] as const) {
        const want = npy(dir, file);
        const got = outputs.find((o) => o.name === key)!;
        expect(got.shape).toEqual(want.shape);
        const cmp = compareTensors({ ...got, dtype: 'float32', data: got.data as Float32Array }, { dtype: 'float32', shape: want.shape, data: Float32Array.from(want.data) });
        expect(cmp.maxRelError).toBeLessThan(1e-5);
      }
    } finally {
      model.close();
    }
  });
});

describe('tutorial network from its SavedModel, int8', () => {
  // Measured: per-tensor FULLY_CONNECTED weights with min/max calibration (the defaults) flip one of the
  // 82 rows (float 0.951, int8 0.939); per-channel weights (or --calibration-method mse) keep every row.
  it('keeps its accuracy on the 82-row test split with per-channel weights, and follows the int8 spec', async () => {
    const { calibration, test } = breastCancerData();
    const { bytes, report } = await convert(`${FIXTURES}bcw-tutorial/saved_model`, { quantize: 'int8', calibration, evalData: test, perChannelDense: true });
    const { accuracy, agreement, samples } = report.quantization!.evaluation!;
    console.log(`bcw-tutorial SavedModel: float ${accuracy!.float}, int8 ${accuracy!.int8}, agreement ${agreement} on ${samples}`);
    expect(report.format).toBe('savedmodel');
    expect(samples).toBe(82);
    expect(accuracy!.float).toBeGreaterThan(0.93);
    expect(Math.abs(accuracy!.float - accuracy!.int8)).toBeLessThanOrEqual(0.01);
    expect(report.verify!.passed).toBe(true);
    expect(int8SpecViolations(bytes, { io: 'float', perChannelDense: true })).toEqual([]);
  });
});

describe('SavedModel importer on bad input', () => {
  const folder = `${FIXTURES}two-in-two-out/saved_model`;
  const withFile = async (path: string, edit: (bytes: Uint8Array) => Uint8Array | undefined) => {
    const files = new Map(await readSavedModelFolder(folder));
    const edited = edit(files.get(path)!);
    if (edited === undefined) files.delete(path);
    else files.set(path, edited);
    return files;
  };
  const expectInvalid = (files: ReadonlyMap<string, Uint8Array>, message: RegExp, options = {}) => {
    let error: unknown;
    try {
      importSavedModel(files, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidSourceError);
    expect((error as InvalidSourceError).code).toBe('INVALID_SOURCE');
    expect((error as Error).message).toMatch(message);
  };

  it('a truncated saved_model.pb, at any length, is an InvalidSourceError', async () => {
    const pb = (await readSavedModelFolder(folder)).get('saved_model.pb')!;
    for (const fraction of [0.999, 0.9, 0.5, 0.1, 0.01]) {
      expectInvalid(await withFile('saved_model.pb', (b) => b.subarray(0, Math.floor(pb.byteLength * fraction))), /saved_model\.pb|MetaGraph|signature/);
    }
    expectInvalid(await withFile('saved_model.pb', () => undefined), /no saved_model\.pb/);
  });

  it('missing variables, a missing shard, or a truncated index or shard are InvalidSourceErrors', async () => {
    const all = await readSavedModelFolder(folder);
    const noVariables = new Map([...all].filter(([path]) => !path.startsWith('variables/')));
    expectInvalid(noVariables, /no variables\/variables\.index/);
    expectInvalid(await withFile('variables/variables.data-00000-of-00001', () => undefined), /variables\.data-00000-of-00001, which is missing/);
    for (const keep of [0, 10, 47, 300, all.get('variables/variables.index')!.byteLength - 1]) {
      expectInvalid(await withFile('variables/variables.index', (b) => b.subarray(0, keep)), /variables\.index/);
    }
    expectInvalid(await withFile('variables/variables.data-00000-of-00001', (b) => b.subarray(0, b.byteLength - 100)), /truncated/);
  });

  it('a flipped byte in the index or a shard fails its CRC-32C check', async () => {
    const flip = (at: number) => (b: Uint8Array) => {
      const copy = b.slice();
      copy[at] = copy[at]! ^ 0xff;
      return copy;
    };
    expectInvalid(await withFile('variables/variables.index', flip(20)), /CRC-32C|corrupt/);
    expectInvalid(await withFile('variables/variables.data-00000-of-00001', flip(5000)), /CRC-32C/);
  });

  it("another model's variables/ folder is refused, not converted into a wrong model", async () => {
    const own = await readSavedModelFolder(folder);
    const other = await readSavedModelFolder(`${FIXTURES}small-cnn/saved_model`);
    const mixed = new Map([...own].filter(([path]) => !path.startsWith('variables/')).concat([...other].filter(([path]) => path.startsWith('variables/'))));
    expectInvalid(mixed, /belongs to another model|no value in the checkpoint/);
  });

  it('seeded random byte corruptions of saved_model.pb and the index import or fail with a typed error, never a crash', async () => {
    const files = await readSavedModelFolder(folder);
    const rng = createRng(42);
    for (const path of ['saved_model.pb', 'variables/variables.index']) {
      for (let i = 0; i < 40; i++) {
        const copy = files.get(path)!.slice();
        for (let k = 0; k < 3; k++) copy[Math.floor(rng() * copy.length)] = Math.floor(rng() * 256);
        try {
          importSavedModel(new Map(files).set(path, copy));
        } catch (error) {
          // Corruption the format cannot detect (saved_model.pb has no checksum) may import; nothing may crash.
          expect(error, `${path} corruption ${i}: ${(error as Error).stack}`).toBeInstanceOf(ConverterError);
        }
      }
    }
  });

  it('a constant that fills a huge or negative shape from one value is refused before allocating', () => {
    const fill = (dims: number[]) => () => constValues('big', { dtype: 'DT_FLOAT', tensorShape: { dim: dims.map((size) => ({ size })) }, floatVal: [0] });
    expect(fill([100_000, 100_000])).toThrow(InvalidSourceError);
    expect(fill([-3, 2])).toThrow(/not a valid constant/);
    expect(fill([2, 3])().values).toEqual(new Float32Array(6));
  });

  it('an unknown signature names the ones the SavedModel has', async () => {
    expectInvalid(await readSavedModelFolder(folder), /no signature 'predict'.*'serve', 'serving_default'/, { signature: 'predict' });
  });
});
