// loadModel in Node: every engine/backend Node has (interpreter = LiteRT, tfjs wasm, tfjs cpu) on the real
// MediaPipe models and on small models built with GraphBuilder, judged against LiteRT run directly on the
// same seeded inputs; the plan, placement, typed errors and dispose behaviour.
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder, writeModel, type Quantization } from '@borde/tflite';
import {
  BackendError, DisposedError, InputError, UnsupportedOpError, forgetRememberedChoices, loadModel,
  type Model, type ModelOutput, type TensorArray,
} from '../src/index.js';
import { registeredKernel } from '../src/backends.js';
import { openLiteRtModel, type TensorDType, type TensorValue } from '../src/node.js';
import { compareTensors, seededInputs } from '../../../test/harness/index.js';
import { mediapipeModels } from '../../../test/harness/models.js';

const NODE_BACKENDS = ['litert-wasm', 'wasm', 'cpu'] as const;

/** LiteRT, run directly: the judge. Outputs in LiteRT's (signature) order, matched to ours by name. */
async function liteRtOutputs(bytes: Uint8Array, inputs: readonly TensorValue[]): Promise<TensorValue[]> {
  const lite = await openLiteRtModel(bytes);
  try {
    return await lite.run(inputs);
  } finally {
    lite.close();
  }
}

/** Seeded inputs for a model's inputs (float models only here), values in `range`. */
function inputsFor(model: Model, seed: number, range: readonly [number, number] = [-1, 1]): TensorValue[] {
  return seededInputs(model.inputs.map((i) => ({ name: i.name, dtype: i.dtype as TensorDType, shape: i.shape, range })), seed);
}

function asTensorValue(o: ModelOutput): TensorValue {
  return { name: o.name, dtype: o.dtype as TensorValue['dtype'], shape: o.shape, data: o.data };
}

const measured: string[] = [];
afterAll(() => console.log(`loadModel vs LiteRT (max error per model and backend):\n${measured.join('\n')}`));

/** Float outputs: within 1e-4 of each output's range. */
function expectFloatAgreement(label: string, ours: ModelOutput[], reference: TensorValue[]): void {
  expect(ours.map((o) => o.name).sort()).toEqual(reference.map((r) => r.name).sort());
  const worst = Math.max(...reference.map((r) => {
    const c = compareTensors(asTensorValue(ours.find((o) => o.name === r.name)!), r);
    expect(c.maxRelError, `${label} ${r.name}: max abs ${c.maxAbsError} on a range of ${c.range}`).toBeLessThan(1e-4);
    return c.maxRelError;
  }));
  measured.push(`${label}: max rel ${worst.toExponential(2)}`);
}

describe.each(mediapipeModels().map((m) => [m.file, m] as const))('%s', (_file, real) => {
  const bytes = real.bytes();
  let reference: TensorValue[] | undefined;
  let inputs: TensorValue[] | undefined;

  it.each(NODE_BACKENDS)('on %s agrees with LiteRT', async (backend) => {
    const model = await loadModel(bytes, { backend });
    try {
      expect(model.backend).toBe(backend);
      expect(model.engine).toBe(backend === 'litert-wasm' ? 'interpreter' : 'tfjs');
      // Face detection takes [-1, 1], selfie segmentation [0, 1].
      inputs ??= inputsFor(model, 1, real.file.startsWith('face') ? [-1, 1] : [0, 1]);
      reference ??= await liteRtOutputs(bytes, inputs);
      const t0 = performance.now();
      const outputs = await model.run(inputs.map((i) => i.data as TensorArray));
      const runMs = performance.now() - t0;
      expectFloatAgreement(`${real.file} ${backend} (load ${model.plan.loadMs.toFixed(0)} ms, first run ${runMs.toFixed(0)} ms)`, outputs, reference);
    } finally {
      model.dispose();
    }
  });
});

describe('sources', () => {
  const real = mediapipeModels().find((m) => m.file === 'face_detection_short_range.tflite')!;

  it('loads from a path, a file: URL (string or URL) and an ArrayBuffer, with progress', async () => {
    const progress: { phase: string; url?: string; loaded: number; total: number | undefined }[] = [];
    const fromPath = await loadModel(real.path, { backend: 'cpu', onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toEqual({ phase: 'model', url: real.path, loaded: real.bytes().byteLength, total: real.bytes().byteLength });
    // In Node the engines read their files from the packages: nothing to report for them.
    expect(progress.every((p) => p.phase === 'model')).toBe(true);
    fromPath.dispose();
    for (const source of [pathToFileURL(real.path), pathToFileURL(real.path).href, real.bytes().slice().buffer]) {
      const model = await loadModel(source, { backend: 'cpu' });
      expect(model.inputs[0]!.shape).toEqual([1, 128, 128, 3]);
      model.dispose();
    }
  });

  it('rejects a missing file with a FetchError naming it, and an aborted load with the abort reason', async () => {
    await expect(loadModel('/no/such/model.tflite')).rejects.toMatchObject({ code: 'FETCH', message: expect.stringContaining('/no/such/model.tflite') });
    const controller = new AbortController();
    controller.abort(new Error('user went away'));
    await expect(loadModel(real.path, { signal: controller.signal })).rejects.toThrow('user went away');
  });

  it('rejects bytes that are not a TFLite model with a ModelError', async () => {
    await expect(loadModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).rejects.toMatchObject({ code: 'MODEL' });
  });
});

/** x[1,4,4,2] -> CONV_2D 3x3 (2->3, RELU) -> RESHAPE [1,48] -> FULLY_CONNECTED (48->5) -> SOFTMAX. */
function tinyFloatModel(): Uint8Array {
  const b = new GraphBuilder();
  const seq = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.5);
  const x = b.input('x', 'float32', [1, 4, 4, 2]);
  const conv = b.op('CONV_2D', [x, b.constant('w', 'float32', [3, 3, 3, 2], seq(54, 1.3)), b.constant('b', 'float32', [3], seq(3, 2.1))],
    { optionsType: 'Conv2DOptions', options: { padding: 0, strideW: 1, strideH: 1, fusedActivationFunction: 1 } },
    { name: 'conv', dtype: 'float32', shape: [1, 4, 4, 3] });
  const flat = b.op('RESHAPE', [conv, b.constant('shape', 'int32', [2], [1, 48])], undefined, { name: 'flat', dtype: 'float32', shape: [1, 48] });
  const fc = b.op('FULLY_CONNECTED', [flat, b.constant('wf', 'float32', [5, 48], seq(240, 0.7)), b.constant('bf', 'float32', [5], seq(5, 3.3))],
    { optionsType: 'FullyConnectedOptions', options: {} }, { name: 'logits', dtype: 'float32', shape: [1, 5] });
  const y = b.op('SOFTMAX', [fc], { optionsType: 'SoftmaxOptions', options: { beta: 1 } }, { name: 'probs', dtype: 'float32', shape: [1, 5] });
  b.output(y, fc);
  return writeModel(b.build());
}

const Q_IN: Quantization = { scale: [1 / 64], zeroPoint: [0], quantizedDimension: 0 };
const Q_OUT: Quantization = { scale: [0.05], zeroPoint: [-3], quantizedDimension: 0 };

/** Full-integer FULLY_CONNECTED: x float[1,16] -> QUANTIZE -> FC int8 (per-tensor weights) -> y int8[1,4]; and a float copy via DEQUANTIZE. */
function tinyInt8Model(): Uint8Array {
  const b = new GraphBuilder();
  const wScale = 0.5 / 127;
  const x = b.input('x', 'float32', [1, 16]);
  const xq = b.op('QUANTIZE', [x], undefined, { name: 'xq', dtype: 'int8', shape: [1, 16], quantization: Q_IN });
  const w = b.constant('w', 'int8', [4, 16], Int8Array.from({ length: 64 }, (_, i) => Math.round(Math.sin(i * 0.9) * 127)),
    { quantization: { scale: [wScale], zeroPoint: [0], quantizedDimension: 0 } });
  const bias = b.constant('bias', 'int32', [4], Int32Array.from([100, -200, 300, 0]),
    { quantization: { scale: [Q_IN.scale[0]! * wScale], zeroPoint: [0], quantizedDimension: 0 } });
  const y = b.op('FULLY_CONNECTED', [xq, w, bias], { optionsType: 'FullyConnectedOptions', options: {} },
    { name: 'y', dtype: 'int8', shape: [1, 4], quantization: Q_OUT });
  const yf = b.op('DEQUANTIZE', [y], undefined, { name: 'y_float', dtype: 'float32', shape: [1, 4] });
  b.output(y, yf);
  return writeModel(b.build());
}

/** Two inputs, one builtin (ADD_N) that the tfjs engine has no module for; LiteRT runs it. */
function addNModel(): Uint8Array {
  const b = new GraphBuilder();
  const a = b.input('a', 'float32', [2, 3]);
  const c = b.input('c', 'float32', [2, 3]);
  const sum = b.op('ADD', [a, c], { optionsType: 'AddOptions', options: {} }, { name: 'sum', dtype: 'float32', shape: [2, 3] });
  b.output(b.op('ADD_N', [sum, a], undefined, { name: 'total', dtype: 'float32', shape: [2, 3] }));
  return writeModel(b.build());
}

/** Two custom ops no engine knows, around a RELU. */
function madeUpOpsModel(): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 4]);
  const [h] = b.customOp('BordeMadeUpOpA', [x], undefined, [{ name: 'h', dtype: 'float32', shape: [1, 4] }]);
  const r = b.op('RELU', [h!], undefined, { name: 'r', dtype: 'float32', shape: [1, 4] });
  const [y] = b.customOp('BordeMadeUpOpB', [r], undefined, [{ name: 'y', dtype: 'float32', shape: [1, 4] }]);
  b.output(y!);
  return writeModel(b.build());
}

describe('small GraphBuilder models', () => {
  it.each(NODE_BACKENDS)('float conv/fc/softmax on %s agrees with LiteRT', async (backend) => {
    const bytes = tinyFloatModel();
    const model = await loadModel(bytes, { backend });
    try {
      const inputs = inputsFor(model, 7);
      const ours = await model.run({ x: { data: inputs[0]!.data as Float32Array, shape: [1, 4, 4, 2] } });
      expect(ours.map((o) => o.name)).toEqual(['probs', 'logits']);
      expectFloatAgreement(`tiny float ${backend}`, ours, await liteRtOutputs(bytes, inputs));
    } finally {
      model.dispose();
    }
  });

  it.each(NODE_BACKENDS)('full-int8 FULLY_CONNECTED on %s is within one output step of LiteRT (README)', async (backend) => {
    const bytes = tinyInt8Model();
    const model = await loadModel(bytes, { backend });
    try {
      expect(model.outputs[0]).toMatchObject({ name: 'y', dtype: 'int8', quantization: { zeroPoint: [-3] } });
      expect(model.outputs[0]!.quantization!.scale[0]).toBeCloseTo(0.05, 7);
      let worst = 0;
      for (const seed of [1, 2, 3]) {
        const inputs = inputsFor(model, seed);
        const [y, yFloat] = await model.run(inputs[0]!.data as Float32Array);
        const [ly, lyFloat] = await liteRtOutputs(bytes, inputs);
        expect(y!.data).toBeInstanceOf(Int8Array);
        for (let i = 0; i < 4; i++) {
          const steps = Math.abs(y!.data[i] as number - (ly!.data[i] as number));
          worst = Math.max(worst, steps);
          expect(steps, `y[${i}] seed ${seed}`).toBeLessThanOrEqual(1);
          expect(Math.abs((yFloat!.data[i] as number) - (lyFloat!.data[i] as number))).toBeLessThanOrEqual(0.05 + 1e-6);
        }
      }
      measured.push(`tiny int8 ${backend}: max ${worst} output step(s)`);
    } finally {
      model.dispose();
    }
  });
});

describe('choice and plan', () => {
  it('auto picks the LiteRT interpreter in Node and explains every candidate', async () => {
    const model = await loadModel(tinyFloatModel());
    try {
      expect(model.engine).toBe('interpreter');
      expect(model.backend).toBe('litert-wasm');
      const { plan } = model;
      expect(plan.requested).toBe('auto');
      expect(plan.decidedBy).toBe('ranked');
      expect(plan.chosen).toMatchObject({ engine: 'interpreter', backend: 'litert-wasm', reason: expect.stringContaining('LiteRT') });
      expect(plan.candidates.map((c) => `${c.engine}/${c.backend}`)).toEqual([
        'interpreter/litert-wasm', 'interpreter/tfjs-tflite', 'tfjs/wasm', 'tfjs/webgpu', 'tfjs/webgl', 'tfjs/cpu',
      ]);
      const byBackend = Object.fromEntries(plan.candidates.map((c) => [c.backend, c]));
      expect(byBackend['tfjs-tflite']).toMatchObject({ ok: false, reason: expect.stringContaining('only in browsers') });
      expect(byBackend.webgl).toMatchObject({ ok: false, reason: expect.stringContaining('Node') });
      expect(byBackend.wasm).toMatchObject({ ok: true, reason: expect.stringContaining('after the interpreter') });
      expect(plan.device.platform).toBe('node');
      expect(plan.device.wasmSimd).toBe(true);
      expect(model.placement).toHaveLength(4);
      expect(model.placement.every((p) => p.backend === 'litert-wasm')).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('tfjs placement: ops with constant inputs fold at load, a kernel held back moves its op to cpu', async () => {
    const model = await loadModel(tinyFloatModel(), {
      backend: 'wasm',
      hasKernel: (backend, kernel) => !(backend === 'wasm' && kernel === 'Softmax') && registeredKernel(backend, kernel),
    });
    try {
      expect(model.placement.map((p) => [p.opcode, p.backend])).toEqual([
        ['CONV_2D', 'wasm'], ['RESHAPE', 'wasm'], ['FULLY_CONNECTED', 'wasm'], ['SOFTMAX', 'cpu'],
      ]);
      expect(model.placement[3]!.reason).toMatch(/wasm lacks Softmax.*fell back to cpu/);
      const inputs = inputsFor(model, 3);
      expectFloatAgreement('tiny float wasm+cpu', await model.run([inputs[0]!.data as Float32Array]), await liteRtOutputs(tinyFloatModel(), inputs));
    } finally {
      model.dispose();
    }
  });

  it('a model the tfjs engine cannot run goes to the interpreter under auto; asked for wasm, it fails naming the op', async () => {
    const bytes = addNModel();
    const model = await loadModel(bytes);
    expect(model.backend).toBe('litert-wasm');
    expect(model.plan.candidates.find((c) => c.backend === 'wasm')).toMatchObject({ ok: false, reason: expect.stringContaining('ADD_N') });
    const a = Float32Array.from([0.5, 1.5, -0.5, 2.25, 3, -1.75]);
    const c = Float32Array.from([0.25, 0.75, -1, 0, 0.5, 0.5]);
    const [total] = await model.run({ c, a });
    expect(Array.from(total!.data as Float32Array)).toEqual([1.25, 3.75, -2, 4.5, 6.5, -3]);
    model.dispose();
    const error = await loadModel(bytes, { backend: 'wasm' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOpError);
    expect((error as UnsupportedOpError).ops).toEqual([{ index: 1, opcode: 'ADD_N', reason: 'tfjs engine: no op module' }]);
  });

  it('ops no engine can run: UnsupportedOpError listing all of them', async () => {
    const error = await loadModel(madeUpOpsModel()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOpError);
    const ops = (error as UnsupportedOpError).ops;
    expect(ops.map((o) => [o.index, o.opcode])).toEqual([[0, 'BordeMadeUpOpA'], [2, 'BordeMadeUpOpB']]);
    expect(ops[0]!.reason).toContain('tfjs engine: no op module');
    expect(ops[0]!.reason).toContain('litert-wasm: custom op not in this interpreter');
    expect((error as Error).message).toContain('BordeMadeUpOpB');
  });

  it('an explicit backend that is unavailable fails with BackendError listing each attempt, never switching', async () => {
    const single = await loadModel(tinyFloatModel(), { backend: 'webgl' }).catch((e: unknown) => e);
    expect(single).toBeInstanceOf(BackendError);
    expect((single as BackendError).attempts).toEqual([{ backend: 'tfjs/webgl', ok: false, reason: expect.stringContaining('not available in Node') }]);
    const list = await loadModel(tinyFloatModel(), { backend: ['webgpu', 'tfjs-tflite', 'webgl'] }).catch((e: unknown) => e);
    expect(list).toBeInstanceOf(BackendError);
    expect((list as BackendError).attempts.map((a) => a.backend)).toEqual(['tfjs/webgpu', 'interpreter/tfjs-tflite', 'tfjs/webgl']);
    expect((list as Error).message).toMatch(/tfjs-tflite runs only in browsers/);
    // A list is honoured in order: the first that loads wins, the plan shows the one before it failing.
    const model = await loadModel(tinyFloatModel(), { backend: ['webgl', 'cpu'] });
    expect(model.backend).toBe('cpu');
    expect(model.plan.candidates.map((c) => [c.backend, c.ok])).toEqual([['webgl', false], ['cpu', true]]);
    model.dispose();
    await expect(loadModel(tinyFloatModel(), { backend: 'gpu' as never })).rejects.toThrow(/unknown backend "gpu"/);
  });

  it('measure: times the top candidates, keeps the fastest, and remembers it for this model and device', async () => {
    await forgetRememberedChoices();
    const bytes = tinyFloatModel();
    const first = await loadModel(bytes, { measure: { top: 2, runs: 3, budgetMs: 500 } });
    const timed = first.plan.candidates.filter((c) => c.ms !== undefined);
    expect(first.plan.decidedBy).toBe('measured');
    expect(timed.map((c) => c.backend)).toEqual(['litert-wasm', 'wasm']);
    const fastest = timed.reduce((x, y) => (y.ms! < x.ms! ? y : x));
    expect(first.backend).toBe(fastest.backend);
    expect(first.plan.modelHash).toMatch(/^[0-9a-f]{64}$/);
    console.log(`measure on the tiny model: ${timed.map((c) => `${c.backend} ${c.ms!.toFixed(3)} ms`).join(', ')}`);
    first.dispose();
    expect(first.plan.chosen.reason).toMatch(/^fastest of the 2 candidates timed on this model \((litert-wasm|wasm) [\d.]+ ms, (litert-wasm|wasm) [\d.]+ ms per run; \d+ interleaved rounds in \d+ ms\)/);
    const second = await loadModel(bytes, { measure: true });
    expect(second.plan.decidedBy).toBe('remembered');
    expect(second.backend).toBe(first.backend);
    // The figures it was chosen on come back with it; nothing else was loaded.
    const figuresOf = (plan: typeof first.plan) => plan.candidates.filter((c) => c.ms !== undefined).map((c) => [c.backend, c.ms]);
    expect(figuresOf(second.plan)).toEqual(figuresOf(first.plan));
    expect(second.plan.chosen.reason).toMatch(/^remembered as the fastest on this device for this model/);
    second.dispose();
    // Without `measure` nothing is recalled: the static ranking.
    const third = await loadModel(bytes);
    expect(third.plan.decidedBy).toBe('ranked');
    third.dispose();
  });
});

describe('inputs', () => {
  let model: Model;
  let int8: Model;
  afterAll(() => {
    model?.dispose();
    int8?.dispose();
  });

  it('are checked by name, position, dtype, shape and size, naming the input, expected and got', async () => {
    model = await loadModel(addNModel());
    const six = new Float32Array(6);
    const cases: [unknown, Partial<InputError>][] = [
      [six, { input: 'inputs', got: 'a single value' }],
      [[six], { input: 'inputs', expected: '2 value(s) in model input order ("a", "c")', got: '1' }],
      [{ a: six, b: six }, { input: 'b', expected: 'input names "a", "c"', got: 'an unknown name "b" (given: "a", "b")' }],
      [{ a: six }, { input: 'c', got: 'nothing' }],
      [[new Int32Array(6), six], { input: 'a', got: 'an Int32Array of 6 elements' }],
      [[six, new Float32Array(5)], { input: 'c', expected: '6 elements (shape [2, 3])', got: '5 elements' }],
      [[{ data: six, shape: [3, 2] }, six], { input: 'a', expected: 'shape [2, 3]', got: 'shape [3, 2]' }],
      [[[1, 2, 3, 4, 5, 6], six], { input: 'a', got: 'a plain array (pass a typed array)' }],
    ];
    for (const [given, expected] of cases) {
      const error = await model.run(given as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(expected)).toBeInstanceOf(InputError);
      expect(error).toMatchObject(expected);
      expect((error as Error).message).toContain(`input "${(expected as InputError).input}"`);
    }
    const [out] = await model.run([{ data: six, shape: [2, 3] }, six]);
    expect(out!.data).toEqual(new Float32Array(6));
  });

  it('NaN and ±Infinity are refused with the first bad element, for float and int8 models; checkInputs: none skips the scan', async () => {
    int8 = await loadModel(tinyInt8Model());
    const x = new Float32Array(16).fill(0.25);
    x[5] = Number.NaN;
    await expect(int8.run(x)).rejects.toMatchObject({ name: 'InputError', input: 'x', got: 'NaN at element 5', element: 5 });
    // The first bad element is named, wherever it is (the check is a plain loop over the whole input).
    x[5] = 0.25;
    x[15] = Number.POSITIVE_INFINITY;
    await expect(int8.run(x)).rejects.toMatchObject({ name: 'InputError', got: 'Infinity at element 15', element: 15 });
    x[0] = Number.NaN;
    await expect(int8.run(x)).rejects.toMatchObject({ name: 'InputError', got: 'NaN at element 0' });
    // Float model (default checkInputs 'finite'): the same, naming the input.
    const bad = Float32Array.from([0, 0, 0, Number.NEGATIVE_INFINITY, 0, 0]);
    const error = await model.run([new Float32Array(6), bad]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INPUT', input: 'c', got: '-Infinity at element 3', element: 3 });
    expect((error as Error).message).toContain("checkInputs: 'none'");
    const unchecked = await loadModel(addNModel(), { checkInputs: 'none' });
    try {
      const [out] = await unchecked.run([Float32Array.from([Number.NaN, 0, 0, 0, 0, 0]), new Float32Array(6)]);
      expect(Number.isNaN(out!.data[0])).toBe(true);
    } finally {
      unchecked.dispose();
    }
    await expect(loadModel(addNModel(), { checkInputs: 'nan' as never })).rejects.toThrow(/checkInputs: expected 'finite' or 'none'/);
  });
});

describe('inputs are read when run() is called', () => {
  /** y = x + x: one input, so run(x) takes the reader's one-array path. */
  function doubleModel(): Uint8Array {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 8]);
    b.output(b.op('ADD', [x, x], { optionsType: 'AddOptions', options: {} }, { name: 'y', dtype: 'float32', shape: [1, 8] }));
    return writeModel(b.build());
  }

  /** total = a + c: two inputs (the general path). */
  function addModel(): Uint8Array {
    const b = new GraphBuilder();
    const a = b.input('a', 'float32', [2, 3]);
    const c = b.input('c', 'float32', [2, 3]);
    b.output(b.op('ADD', [a, c], { optionsType: 'AddOptions', options: {} }, { name: 'total', dtype: 'float32', shape: [2, 3] }));
    return writeModel(b.build());
  }

  it.each(NODE_BACKENDS)('%s: refilling the arrays right after run() changes no result, for the run that starts at once and those queued behind it', async (backend) => {
    const single = await loadModel(doubleModel(), { backend });
    const pair = await loadModel(addModel(), { backend });
    try {
      const x = new Float32Array(8);
      const a = new Float32Array(6);
      const c = new Float32Array(6).fill(1);
      const runs = [1, 2, 3].map((k) => {
        x.fill(k);
        a.fill(k);
        const results = Promise.all([single.run(x), pair.run([a, c])]);
        // A camera loop refills its buffer for the next frame at once.
        x.fill(-100);
        a.fill(-100);
        return results;
      });
      const outs = await Promise.all(runs);
      outs.forEach(([[y], [total]], k) => {
        expect(Array.from(y!.data as Float32Array), `${backend} run ${k + 1}`).toEqual(new Array(8).fill(2 * (k + 1)));
        expect(Array.from(total!.data as Float32Array), `${backend} run ${k + 1}`).toEqual(new Array(6).fill(k + 2));
      });
    } finally {
      single.dispose();
      pair.dispose();
    }
  });
});

describe('tfjs backend switching', () => {
  it('loading a model on cpu while another runs in a loop on wasm leaves both correct', async () => {
    const [face, selfie] = ['face_detection_short_range.tflite', 'selfie_segmentation.tflite']
      .map((file) => mediapipeModels().find((m) => m.file === file)!);
    const running = await loadModel(face!.bytes(), { backend: 'wasm' });
    const input = inputsFor(running, 3)[0]!.data as Float32Array;
    const first = (await running.run(input))[0]!.data;
    let stop = false;
    const loop = (async () => {
      let runs = 0;
      while (!stop || runs < 5) {
        const [out] = await running.run(input);
        expect(out!.data).toEqual(first);
        runs++;
        // A frame loop yields between frames (a wasm run resolves in microtasks and would starve the load).
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return runs;
    })();
    try {
      // Setting up the executor switches tfjs' global backend: it must wait for the runs, not cut into them.
      const loaded = await loadModel(selfie!.bytes(), { backend: 'cpu' });
      try {
        const inputs = inputsFor(loaded, 4, [0, 1]);
        expectFloatAgreement('selfie cpu loaded during wasm runs', await loaded.run(inputs[0]!.data as Float32Array), await liteRtOutputs(selfie!.bytes(), inputs));
      } finally {
        stop = true;
        loaded.dispose();
      }
      expect(await loop).toBeGreaterThanOrEqual(5);
    } finally {
      stop = true;
      await loop.catch(() => undefined);
      running.dispose();
    }
  });
});

describe('input names', () => {
  /** y = data * mask: inputs named like the fields of a `{ data, shape }` value. */
  function dataMaskModel(): Uint8Array {
    const b = new GraphBuilder();
    const data = b.input('data', 'float32', [1, 4]);
    const mask = b.input('mask', 'float32', [1, 4]);
    b.output(b.op('MUL', [data, mask], { optionsType: 'MulOptions', options: {} }, { name: 'y', dtype: 'float32', shape: [1, 4] }));
    return writeModel(b.build());
  }

  it.each(NODE_BACKENDS)('a model with an input named "data" takes { data, mask } by name on %s', async (backend) => {
    const model = await loadModel(dataMaskModel(), { backend });
    try {
      const data = Float32Array.from([1, 2, 3, 4]);
      const mask = Float32Array.from([1, 0, 1, 0]);
      expect(Array.from((await model.run({ data, mask }))[0]!.data as Float32Array)).toEqual([1, 0, 3, 0]);
      expect(Array.from((await model.run({ mask, data: { data, shape: [1, 4] } }))[0]!.data as Float32Array)).toEqual([1, 0, 3, 0]);
      // A name that is not an input is an error listing both sides, never a guess by position.
      await expect(model.run({ data, masks: mask } as never)).rejects.toMatchObject({
        code: 'INPUT', input: 'masks', expected: 'input names "data", "mask"', got: 'an unknown name "masks" (given: "data", "masks")',
      });
    } finally {
      model.dispose();
    }
  });

  it('a one-input model named "data" takes { data } by name and { data, shape } as a value', async () => {
    const b = new GraphBuilder();
    const x = b.input('data', 'float32', [1, 2]);
    b.output(b.op('RELU', [x], undefined, { name: 'y', dtype: 'float32', shape: [1, 2] }));
    const model = await loadModel(writeModel(b.build()), { backend: 'cpu' });
    try {
      const value = Float32Array.from([-1, 2]);
      expect(Array.from((await model.run({ data: value }))[0]!.data as Float32Array)).toEqual([0, 2]);
      expect(Array.from((await model.run({ data: value, shape: [1, 2] } as never))[0]!.data as Float32Array)).toEqual([0, 2]);
    } finally {
      model.dispose();
    }
  });
});

describe('dispose', () => {
  it('frees the tfjs engine tensors, is safe twice, and run afterwards is a DisposedError', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const model = await loadModel(tinyFloatModel(), { backend: 'cpu' });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    await model.run(new Float32Array(32));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    await expect(model.run(new Float32Array(32))).rejects.toBeInstanceOf(DisposedError);
    await expect(model.run(new Float32Array(32))).rejects.toThrow(/load it again with loadModel/);
  });

  it('closes the interpreter: double dispose is safe, run afterwards is a DisposedError', async () => {
    const model = await loadModel(tinyFloatModel(), { backend: 'interpreter' });
    expect(model.plan.chosen.reason).toContain("as 'interpreter'");
    model.dispose();
    model.dispose();
    await expect(model.run(new Float32Array(32))).rejects.toBeInstanceOf(DisposedError);
  });
});
