import { convertFiles, ConverterError, type ConvertReport, type QuantizeMode } from '@borde/converter/browser';
import { addCalibrationFiles, addModelFiles, droppedFiles, emptyPick, folderFiles, sortDropped } from './picked-files.js';
import { sqnrChart } from './sqnr-chart.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const pick = emptyPick();
// The runtime's Vite plugin serves the engines' wasm (LiteRT, tfjs-backend-wasm) from here; the service worker precaches them.
const assets = new URL(`${import.meta.env.BASE_URL}borde-assets/`, location.href).href;

/** The service worker (vite-plugin-pwa, dist/sw.js) stores the page and the engines; once active, it works with no network. */
async function registerOfflineCopy(): Promise<void> {
  const state = (value: string, text: string) => {
    document.body.dataset['offlineCopy'] = value;
    $('offline-state').textContent = text;
  };
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) {
    state('unsupported', import.meta.env.DEV ? 'Offline copy: none on the dev server (build and preview).' : 'Offline copy: this browser has no service workers.');
    return;
  }
  state('installing', 'Storing the studio and its engines on this device...');
  try {
    await navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
    await navigator.serviceWorker.ready; // active: its install step stored the whole precache
    state('ready', 'Stored: the studio works without network.');
  } catch (error) {
    state('failed', `Could not be stored offline (${error instanceof Error ? error.message : String(error)}).`);
  }
}
void registerOfflineCopy();

function showPicked(): void {
  const model = pick.source ? pick.source.replace(/^model\//, '') : 'no model yet';
  const data = [...pick.files.keys()].filter((k) => k.startsWith('calibration/') || k.startsWith('data/')).length;
  $('picked').textContent = `Model: ${model}. Calibration: ${data === 0 ? 'none' : `${data} file(s)`}.`;
}

$<HTMLInputElement>('model-files').addEventListener('change', (e) => {
  addModelFiles(pick, [...((e.target as HTMLInputElement).files ?? [])]);
  showPicked();
});
$<HTMLInputElement>('calibration-files').addEventListener('change', (e) => {
  addCalibrationFiles(pick, [...((e.target as HTMLInputElement).files ?? [])].map((file) => ({ file, path: file.name })));
  showPicked();
});
$<HTMLInputElement>('calibration-folder').addEventListener('change', (e) => {
  addCalibrationFiles(pick, folderFiles((e.target as HTMLInputElement).files!));
  showPicked();
});
const zone = $('drop-zone');
zone.addEventListener('dragover', (e) => {
  e.preventDefault();
  zone.classList.add('over');
});
zone.addEventListener('dragleave', () => zone.classList.remove('over'));
zone.addEventListener('drop', async (e) => {
  e.preventDefault();
  zone.classList.remove('over');
  if (e.dataTransfer) sortDropped(pick, await droppedFiles(e.dataTransfer.items));
  showPicked();
});

let downloadUrl: string | undefined;

$('convert').addEventListener('click', async () => {
  const button = $<HTMLButtonElement>('convert');
  const progress = $('progress');
  const error = $('error');
  progress.replaceChildren();
  error.textContent = '';
  $('result').hidden = true;
  if (!pick.source) {
    error.textContent = 'Pick or drop a model first (model.json with its weight shards, or a .tflite, .onnx, .keras or .h5 file).';
    return;
  }
  const mode = $<HTMLSelectElement>('mode').value as QuantizeMode;
  button.disabled = true;
  const started = performance.now();
  try {
    const { bytes, report } = await convertFiles(pick.files, pick.source, {
      assets,
      quantize: mode,
      ...(pick.calibration ? { calibration: pick.calibration } : {}),
      onProgress: (event) => {
        const item = document.createElement('li');
        item.textContent = `${event.step}: ${event.message}`;
        progress.append(item);
      },
    });
    showResult(bytes, report, performance.now() - started);
  } catch (cause) {
    error.textContent = cause instanceof ConverterError ? `${cause.code}: ${cause.message}` : String(cause);
    if (cause instanceof ConverterError && 'report' in cause) showReport(cause.report as ConvertReport);
  } finally {
    button.disabled = false;
  }
});

function showResult(bytes: Uint8Array, report: ConvertReport, ms: number): void {
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = $<HTMLAnchorElement>('download');
  link.href = downloadUrl;
  link.download = `${(pick.source ?? 'model').split('/').pop()!.replace(/\.[^.]+$/, '').replace(/^model$/, 'model')}-${report.mode === 'none' ? 'float32' : report.mode}.tflite`;
  $('summary').textContent = `${report.mode === 'none' ? 'float32' : report.mode}: ${bytes.byteLength.toLocaleString()} bytes ` +
    `(${(report.sizeRatio * 100).toFixed(1)}% of float32), converted in ${(ms / 1000).toFixed(1)} s.`;
  $('summary').dataset['ms'] = ms.toFixed(0);
  showReport(report);
}

function showReport(report: ConvertReport): void {
  $('result').hidden = false;
  const body = $('outputs').querySelector('tbody')!;
  body.replaceChildren();
  const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
  for (const o of report.quantization?.evaluation?.outputs ?? []) {
    const row = document.createElement('tr');
    for (const text of [o.name, o.sqnrDb.toFixed(1), pct(o.meanError), pct(o.p99Error), pct(o.maxError), o.agreement === undefined ? '' : pct(o.agreement)]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    body.append(row);
  }
  const layers = report.layers ?? [];
  $('layers').replaceChildren(layers.length > 0 ? sqnrChart(layers) : document.createTextNode('Per-layer SQNR is reported for int8 conversions.'));
}
