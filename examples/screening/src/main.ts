import { loadModel, monitor, persistStorage, type Model, type ModelMonitor } from '@borde/runtime';
import { assetBase } from 'virtual:borde-assets';
import meta from '../generated/model-meta.json';
import { explainProbability } from './explain.js';
import { checkFeature } from './validate.js';

const features: readonly string[] = meta.features;
const modelUrl = `${import.meta.env.BASE_URL}models/${meta.modelFile}`;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = byId<HTMLFormElement>('features');
const fields = byId<HTMLDivElement>('fields');
const compute = byId<HTMLButtonElement>('compute');
const result = byId<HTMLDivElement>('result');
const probability = byId<HTMLOutputElement>('probability');
const explanation = byId<HTMLParagraphElement>('explanation');
const failure = byId<HTMLParagraphElement>('failure');

// One labelled input per feature, each with its own message line (the form refuses bad values itself).
const inputs = features.map((name, index) => {
  const row = document.createElement('div');
  row.className = 'field';
  const label = document.createElement('label');
  label.htmlFor = `f${index}`;
  label.textContent = name.replaceAll('_', ' ');
  const input = document.createElement('input');
  Object.assign(input, { id: `f${index}`, name, type: 'text', inputMode: 'numeric', autocomplete: 'off', required: true });
  input.setAttribute('aria-describedby', `f${index}-error`);
  const error = document.createElement('p');
  Object.assign(error, { id: `f${index}-error`, className: 'error' });
  error.setAttribute('aria-live', 'polite');
  row.append(label, input, error);
  fields.append(row);
  input.addEventListener('input', () => show(input, error, true));
  return { input, error };
});

/** Checks one field and shows its message; `quiet` hides the message for an empty field while typing. */
function show(input: HTMLInputElement, error: HTMLElement, quiet = false): number | undefined {
  const check = checkFeature(input.value);
  const message = check.ok || (quiet && input.value.trim() === '') ? '' : check.message;
  input.setCustomValidity(message);
  input.setAttribute('aria-invalid', String(!check.ok && message !== ''));
  error.textContent = message;
  result.hidden = result.hidden || !check.ok;
  return check.ok ? check.value : undefined;
}

function fail(error: unknown): void {
  const code = (error as { code?: string }).code;
  failure.hidden = false;
  failure.dataset.code = code ?? 'ERROR';
  failure.textContent = `${error instanceof Error ? error.name : 'Error'}${code ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`;
}

let model: Model | undefined;
// Watches the answers against the calibration statistics the converter stored in the model; nothing is sent.
let watch: ModelMonitor | undefined;

function showDrift(): void {
  const drift = byId('drift');
  if (!watch) return;
  const filled = Math.min(watch.observed, watch.window);
  const worst = watch.scores().sort((a, b) => b.psi - a.psi)[0];
  document.body.dataset.drift = watch.drifting ? 'drifting' : filled < watch.window ? 'collecting' : 'stable';
  drift.textContent = watch.drifting
    ? `drift: ${worst!.role} ${worst!.tensor} (${worst!.feature}) PSI ${worst!.psi.toFixed(2)}`
    : filled < watch.window
      ? `collecting: ${filled} of ${watch.window} answers before drift is scored`
      : `no drift (worst PSI ${worst!.psi.toFixed(2)} < ${watch.threshold.psi})`;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = inputs.map(({ input, error }) => show(input, error));
  if (!model || values.some((v) => v === undefined)) {
    result.hidden = true;
    inputs.find(({ input }) => !input.checkValidity())?.input.focus();
    return;
  }
  try {
    // Raw 1..10 values: the model rescales them itself (Rescaling 0.1 is its first layer).
    const runStart = performance.now();
    const [output] = await (watch ?? model).run(Float32Array.from(values as number[]));
    showDrift();
    const p = Number(output!.data[0]);
    document.body.dataset.runMs = (performance.now() - runStart).toFixed(2);
    probability.value = `${(p * 100).toFixed(1)} %`;
    probability.dataset.value = String(p);
    explanation.textContent = explainProbability(p);
    result.hidden = false;
    document.body.dataset.results = String(Number(document.body.dataset.results ?? 0) + 1);
  } catch (error) {
    fail(error);
  }
});

async function start(): Promise<void> {
  const started = performance.now();
  try {
    model = await loadModel(modelUrl, {
      cache: true, // verified against models/<file>.sha256.json; a tampered or truncated copy is never run
      assets: assetBase,
      // The engines whose files vite.config.ts ships: the official interpreter, then Borde's tfjs engine.
      backend: ['tfjs-tflite', 'wasm', 'cpu'],
      // The model (a few kB), then the interpreter's wasm (~3.6 MB): each with its own total.
      onProgress: ({ phase, loaded, total }) => {
        const kB = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;
        byId('model-status').textContent = `downloading the ${phase}: ${kB(loaded)}${total ? ` of ${kB(total)}` : ''}`;
      },
    });
    const ms = performance.now() - started;
    byId('model-status').textContent = `ready in ${ms.toFixed(0)} ms (sha256 verified, kept on this device)`;
    byId('engine').textContent = `${model.engine} / ${model.backend}`;
    byId('model-source').textContent = `${meta.modelFile}, ${meta.bytes} bytes int8`;
    byId('model-version').textContent = meta.version;
    document.body.dataset.modelVersion = meta.version;
    try {
      watch = monitor(model, { onDrift: showDrift, onRecover: showDrift });
      showDrift();
    } catch (error) {
      byId('drift').textContent = `not monitored: ${error instanceof Error ? error.message : String(error)}`;
    }
    document.body.dataset.loadMs = ms.toFixed(1);
    // Since navigation start: what a visitor waits before the form can answer.
    document.body.dataset.readyAt = performance.now().toFixed(1);
    document.body.dataset.engine = `${model.engine}/${model.backend}`;
    compute.disabled = false;
    document.body.dataset.state = 'ready';
  } catch (error) {
    byId('model-status').textContent = 'not loaded';
    fail(error);
    document.body.dataset.state = 'error';
  }
  // Ask the browser to keep the cached model under storage pressure; shown, never required.
  persistStorage()
    .then((s) => {
      const quota = s.quota !== undefined ? `, quota ${(s.quota / 1e6).toFixed(0)} MB` : '';
      byId('model-status').title = `storage ${s.persisted ? 'persistent' : 'best effort'}${quota}`;
    })
    .catch(() => undefined);
}

/**
 * The service worker (vite-plugin-pwa, dist/sw.js) stores the page and the engine files; the runtime keeps the
 * model. Once it is active, a reload with no network works: said only then.
 */
async function registerOfflineCopy(): Promise<void> {
  const status = byId('offline');
  const state = (value: string, text: string) => {
    document.body.dataset.offlineCopy = value;
    status.textContent = text;
  };
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) {
    state('unsupported', import.meta.env.DEV ? 'none on the dev server (build and preview)' : 'this browser has no service workers');
    return;
  }
  state('installing', 'storing the page and the engine on this device...');
  try {
    await navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
    await navigator.serviceWorker.ready; // active: its install step stored the whole precache
    state('ready', 'stored: this page works without network');
  } catch (error) {
    state('failed', `could not be stored (${error instanceof Error ? error.message : String(error)})`);
  }
}

void start();
void registerOfflineCopy();
