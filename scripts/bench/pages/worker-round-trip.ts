// Page side of the worker round trip in `pnpm bench:runtime`: one model on the main thread (loadModel) and
// twice in the runtime's worker (loadModelInWorker; inputs copied, the default, and transferred, copy: false),
// on the engine/backend the main thread's auto chose, timed in interleaved rounds (timePaired). The worker's
// script is served next to this bundle, where the package's `new URL('./borde-worker-entry.js', ...)` points.
import { loadModel, type BackendRequest, type Model } from '@borde/runtime';
import { loadModelInWorker } from '@borde/runtime/worker';
import { benchInput, clockedSampler, timePaired, type RowRunner } from '../runtime-timing.js';
import type { RowJob } from '../runtime-rows.js';

const inputsOf = (job: RowJob) => job.inputs.map((spec) => benchInput(spec.shape.reduce((a, b) => a * b, 1)));

function runner(model: Model, run: () => Promise<unknown>) {
  const row: RowRunner = { run, dispose: () => model.dispose(), chosen: `${model.engine}/${model.backend}` };
  return clockedSampler(row);
}

async function measure(job: RowJob) {
  const probe = await loadModel(job.model);
  const backend = probe.backend as BackendRequest;
  probe.dispose();
  const inputs = inputsOf(job);
  return timePaired([
    async () => {
      const model = await loadModel(job.model, { backend });
      return runner(model, () => model.run(inputs));
    },
    async () => {
      const model = await loadModelInWorker(job.model, { backend });
      return runner(model, () => model.run(inputs));
    },
    async () => {
      const model = await loadModelInWorker(job.model, { backend });
      // Transferred arrays are gone after the call: each run sends fresh ones (the slice is timed too, as a
      // camera loop that hands over each new frame pays for making it).
      return runner(model, () => model.run(inputs.map((input) => input.slice()), { copy: false }));
    },
  ]);
}

(window as unknown as { bordeWorkerBench: { measure: typeof measure } }).bordeWorkerBench = { measure };
document.title = 'ready';
