// The code that runs inside the worker loadModelInWorker creates: loads one model with loadModel and answers
// run/dispose calls from the page (worker/index.ts) through comlink. The runtime is imported by its public
// name: a dev server that pre-bundles @borde/runtime (Vite) then serves this file one copy of it.
import { expose, transfer } from 'comlink';
import { loadModel, type Model, type ModelOutput } from '@borde/runtime';
import { toWire } from './error-wire.js';
import { provideImportScripts } from './import-scripts.js';
import type { LoadedInfo, Reply, WorkerApi } from './protocol.js';

provideImportScripts(self as unknown as Parameters<typeof provideImportScripts>[0]);

let model: Model | undefined;

function failure(error: unknown): Reply<never> {
  return { ok: false, error: toWire(error) };
}

/** Output buffers go back to the page transferred (not copied): every run's outputs are fresh arrays. */
function transferable(outputs: ModelOutput[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const output of outputs) {
    const { buffer, byteLength } = output.data;
    if (buffer instanceof ArrayBuffer && buffer.byteLength === byteLength) buffers.add(buffer);
  }
  return [...buffers];
}

const api: WorkerApi = {
  async load(source, options, onProgress) {
    if (model) return failure(new Error('this worker holds a model already; call loadModelInWorker again for another'));
    try {
      model = await loadModel(source, { ...options, ...(onProgress ? { onProgress } : {}) });
      const info: LoadedInfo = {
        engine: model.engine,
        backend: model.backend,
        plan: model.plan,
        placement: [...model.placement],
        inputs: [...model.inputs],
        outputs: [...model.outputs],
        // Copies: the metadata views share the model file's buffer, which must not be sent whole.
        metadata: model.metadata.map((m) => ({ name: m.name, data: m.data.slice() })),
      };
      return { ok: true, value: info };
    } catch (error) {
      return failure(error);
    }
  },

  async run(inputs) {
    if (!model) return failure(new Error('no model is loaded in this worker'));
    try {
      // The values arrived as this worker's own copies (cloned or transferred): no second copy.
      const outputs = await model.run(inputs, { copy: false });
      return transfer({ ok: true, value: outputs }, transferable(outputs));
    } catch (error) {
      return failure(error);
    }
  },

  dispose() {
    model?.dispose();
    model = undefined;
  },
};

expose(api);
