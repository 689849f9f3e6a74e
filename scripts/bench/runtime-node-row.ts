// Node side of `pnpm bench:runtime`: one row measured in a fresh process (so every row loads its engine
// cold), printed as one JSON line. Usage: runtime-node-row.ts '<RowJob as JSON>', or '{"paired":[RowJob...]}'
// for interleaved timing of several runners in one process (see timePaired).
// The raw engines and tfjs are imported from the @borde/test package, which depends on exactly the
// versions the runtime uses (same files on disk, hence the same module instances).
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { firstNonFinite, loadModel } from '@borde/runtime';
import { initLiteRtNode } from '@borde/runtime/node';
import { readLayersModelArtifacts } from '@borde/models';
import { rawLiteRtRunner } from './raw-litert-runner.js';
import { benchInput, clockedSampler, describeChoice, finiteScanRunner, timePaired, timeRow, type RowRunner } from './runtime-timing.js';
import type { RowJob } from './runtime-rows.js';

type LiteRtCore = typeof import('../../test/node_modules/@litertjs/core/dist/index.js');
type Tfjs = typeof import('../../test/node_modules/@tensorflow/tfjs/dist/index.js');
type TfjsWasm = typeof import('../../test/node_modules/@tensorflow/tfjs-backend-wasm/dist/index.js');

const fromTestPackage = createRequire(new URL('../../test/package.json', import.meta.url));
const importFromTestPackage = async <T>(name: string): Promise<T> => (await import(pathToFileURL(fromTestPackage.resolve(name)).href)) as T;

const inputsOf = (job: RowJob) => job.inputs.map((spec) => benchInput(spec.shape.reduce((a, b) => a * b, 1)));

async function openBorde(job: RowJob, backend: string): Promise<RowRunner> {
  const inputs = inputsOf(job);
  const model = await loadModel(job.model, { backend: backend as 'auto' });
  return { run: () => model.run(inputs), dispose: () => model.dispose(), chosen: describeChoice(model) };
}

/** @litertjs/core's public API (its loader given the browser globals it needs, as Borde does in Node). */
async function openRawLiteRt(job: RowJob): Promise<RowRunner> {
  const inputs = inputsOf(job);
  const { readFile } = await import('node:fs/promises');
  const core = await importFromTestPackage<LiteRtCore>('@litertjs/core');
  await initLiteRtNode();
  return rawLiteRtRunner(core, new Uint8Array(await readFile(job.model)), inputs, job.inputs.map((input) => input.shape));
}

/** The original layers model in plain tfjs on its wasm backend. */
async function openTfjsOriginal(job: RowJob): Promise<RowRunner> {
  const inputs = inputsOf(job);
  if (!job.original) throw new Error('no original tfjs model');
  const tf = await importFromTestPackage<Tfjs>('@tensorflow/tfjs');
  const wasm = await importFromTestPackage<TfjsWasm>('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(join(dirname(fromTestPackage.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + sep);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
  const model = await tf.loadLayersModel(tf.io.fromMemory(await readLayersModelArtifacts(job.original)));
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
    case 'raw-litert': return openRawLiteRt(job);
    case 'tfjs-original': return openTfjsOriginal(job);
    case 'raw-tfjs-tflite': throw new Error('tfjs-tflite has no Node build');
    case 'finite-scan': return Promise.resolve(finiteScanRunner(inputsOf(job), firstNonFinite));
  }
}

/**
 * The process' CPU time (all its threads), ms: on a machine shared with other work, wall time mostly measures
 * the scheduler (identical code measured 4x apart at load average 20); CPU time does not count the time the
 * process waited. The interpreters run on the calling thread in Node, so their runs are all counted.
 */
const cpuClock = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const arg = JSON.parse(process.argv[2] ?? '') as RowJob | { paired: RowJob[] };
const result = 'paired' in arg
  ? await timePaired(arg.paired.map((job) => async () => clockedSampler(await open(job), cpuClock)))
  : await timeRow(() => open(arg));
process.stdout.write(`\n${JSON.stringify(result)}\n`);
process.exit(0);
