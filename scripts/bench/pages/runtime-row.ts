// Page side of `pnpm bench:runtime`: one row measured in a fresh page (so every row loads its engine
// cold). Bundled by esbuild with @borde/runtime; the raw engines and tfjs are the very packages the
// runtime uses (same files, so the comparison is engine against engine). Assets come from /app/assets/.
import { firstNonFinite, loadModel } from '@borde/runtime';
import * as liteRtCore from '../../../test/node_modules/@litertjs/core/dist/index.js';
import * as tf from '../../../test/node_modules/@tensorflow/tfjs/dist/index.js';
import { rawLiteRtRunner } from '../raw-litert-runner.js';
import { benchInput, describeChoice, finiteScanRunner, timeRow, type RowResult, type RowRunner } from '../runtime-timing.js';
import type { RowJob } from '../runtime-rows.js';

const ASSETS = new URL('/app/assets/', location.href).href;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const inputsOf = (job: RowJob) => job.inputs.map((spec) => benchInput(spec.shape.reduce((a, b) => a * b, 1)));

async function openBorde(job: RowJob, backend: string): Promise<RowRunner> {
  const model = await loadModel(job.model, { backend: backend as 'auto' });
  const inputs = inputsOf(job);
  return { run: () => model.run(inputs), dispose: () => model.dispose(), chosen: describeChoice(model) };
}

/** tfjs-tflite as its README shows, driven through its model runner (no tfjs tensors: its cheapest path). */
async function openRawTfjsTflite(job: RowJob): Promise<RowRunner> {
  const tflite = await import('@tensorflow/tfjs-tflite/dist/tf-tflite.fesm.js');
  tflite.setWasmPath(`${ASSETS}tfjs-tflite/`);
  const bytes = await fetchBytes(job.model);
  const model = await tflite.loadTFLiteModel(bytes.buffer as ArrayBuffer);
  const runner = model.modelRunner;
  const inputs = inputsOf(job);
  return {
    async run() {
      runner.getInputs().forEach((info, k) => (info.data() as Float32Array).set(inputs[k]!));
      if (!runner.infer()) throw new Error('infer() failed');
      return runner.getOutputs().map((info) => info.data().slice());
    },
    dispose: () => runner.cleanUp(),
  };
}

/** @litertjs/core's public API: loadLiteRt, loadAndCompile, Tensor in, Tensors out. */
async function openRawLiteRt(job: RowJob): Promise<RowRunner> {
  if (!liteRtCore.getGlobalLiteRtPromise()) await liteRtCore.loadLiteRt(`${ASSETS}litert/`);
  const bytes = await fetchBytes(job.model);
  return rawLiteRtRunner(liteRtCore, bytes, inputsOf(job), job.inputs.map((input) => input.shape));
}

/** The original layers model in plain tfjs on its wasm backend, as a tfjs app would run it. */
async function openTfjsOriginal(job: RowJob): Promise<RowRunner> {
  if (!job.original) throw new Error('no original tfjs model');
  // Imported here, not at the top: importing it registers tfjs' wasm backend for the whole page, and only
  // this row should set its paths.
  const { setWasmPaths } = await import('../../../test/node_modules/@tensorflow/tfjs-backend-wasm/dist/index.js');
  setWasmPaths(`${ASSETS}tfjs-backend-wasm/`);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
  const model = await tf.loadLayersModel(job.original);
  const inputs = inputsOf(job);
  return {
    async run() {
      const x = inputs.map((data, k) => tf.tensor(data, job.inputs[k]!.shape));
      const y = model.predict(x.length === 1 ? x[0]! : x);
      const outputs = Array.isArray(y) ? y : [y];
      const values = await Promise.all(outputs.map((t) => t.data()));
      tf.dispose([...x, ...outputs]);
      return values;
    },
    dispose: () => void model.dispose(),
  };
}

function open(job: RowJob): Promise<RowRunner> {
  switch (job.row.kind) {
    case 'borde': return openBorde(job, job.row.backend);
    case 'raw-tfjs-tflite': return openRawTfjsTflite(job);
    case 'raw-litert': return openRawLiteRt(job);
    case 'tfjs-original': return openTfjsOriginal(job);
    case 'finite-scan': return Promise.resolve(finiteScanRunner(inputsOf(job), firstNonFinite));
  }
}

/** Runners of a paired measurement, opened one by one and sampled by the driver (runtime-browser.ts). */
const opened: RowRunner[] = [];

const api = {
  row: (job: RowJob): Promise<RowResult> => timeRow(() => open(job)),
  async open(job: RowJob): Promise<{ index: number; chosen?: string | undefined }> {
    const runner = await open(job);
    opened.push(runner);
    return { index: opened.length - 1, chosen: runner.chosen };
  },
  async sample(index: number, runs: number): Promise<void> {
    const runner = opened[index]!;
    for (let i = 0; i < runs; i++) await runner.run();
  },
  dispose: (index: number) => opened[index]!.dispose(),
};
(window as unknown as { bordeBench: typeof api }).bordeBench = api;
document.title = 'ready';
