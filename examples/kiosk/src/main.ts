import { persistStorage } from '@borde/runtime';
import { loadModelInWorker } from '@borde/runtime/worker';
import { assetBase } from 'virtual:borde-assets';
import { FaceDetector } from './detector.js';
import { drawFrame } from './draw.js';
import type { PixelBox } from './letterbox.js';
import { MODEL_PATH } from './model-info.js';
import { registerOfflineCopy } from './offline.js';
import { clearError, clearResult, downloadsDone, showError, showInstruction, showPicture, showProgress } from './screen.js';
import './style.css';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const view = byId<HTMLCanvasElement>('view');
const viewContext = view.getContext('2d')!;
const cameraButton = byId<HTMLButtonElement>('camera');
const fileInput = byId<HTMLInputElement>('file');
const blurToggle = byId<HTMLInputElement>('blur');
const body = document.body;

let detector: FaceDetector | undefined;
let stream: MediaStream | undefined;
let video: HTMLVideoElement | undefined;
/** What is on screen, so toggling blur redraws a still image at once. */
let lastStill: { source: CanvasImageSource; width: number; height: number; faces: PixelBox[] } | undefined;
const latencies: number[] = [];

showInstruction('loading');

// Offline state: navigator.onLine and its events (a kiosk screen shows it; the app does not need the network).
function showNetwork(): void {
  const online = navigator.onLine;
  body.dataset.network = online ? 'online' : 'offline';
  byId('network').textContent = online ? 'online (not needed)' : 'offline: running from the local copy';
}
addEventListener('online', showNetwork);
addEventListener('offline', showNetwork);
showNetwork();

// The service worker precaches the page, the model and the engine's wasm, so reloads work without network.
registerOfflineCopy((state, detail) => {
  body.dataset.offlineCopy = state;
  const text: Record<typeof state, string> = {
    unsupported: 'not available',
    installing: 'storing the app, model and engine on this device...',
    ready: 'stored: this screen starts without network',
    failed: 'could not be stored',
  };
  byId('sw').textContent = detail ? `${text[state]} (${detail})` : text[state];
});

/** Runs the detector on one frame and paints it; returns the faces. */
async function process(source: CanvasImageSource, width: number, height: number, kind: 'image' | 'camera'): Promise<PixelBox[]> {
  if (!detector) return [];
  const started = performance.now();
  const faces = await detector.detect(source, width, height);
  const ms = performance.now() - started;
  latencies.push(ms);
  if (latencies.length > 50) latencies.shift();
  const median = [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!;
  byId('latency').textContent = `${ms.toFixed(1)} ms (median of last ${latencies.length}: ${median.toFixed(1)} ms)`;
  byId('faces').textContent = String(faces.length);
  drawFrame(viewContext, source, width, height, faces, blurToggle.checked);
  showPicture();
  clearError();
  // For tests and monitoring: what was found, in source pixels.
  body.dataset.source = kind;
  body.dataset.faces = JSON.stringify(faces.map((f) => ({ x: f.x, y: f.y, width: f.width, height: f.height, score: f.score })));
  body.dataset.frameSize = `${width}x${height}`;
  body.dataset.results = String(Number(body.dataset.results ?? 0) + 1);
  if (!body.dataset.firstResultAt) body.dataset.firstResultAt = performance.now().toFixed(1);
  return faces;
}

async function showImage(file: Blob): Promise<void> {
  stopCamera();
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (error) {
    // Not a picture: what was on screen belonged to another file, so it goes too.
    lastStill = undefined;
    clearResult();
    throw error;
  }
  const faces = await process(bitmap, bitmap.width, bitmap.height, 'image');
  lastStill = { source: bitmap, width: bitmap.width, height: bitmap.height, faces };
}

async function startCamera(): Promise<void> {
  stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  video = document.createElement('video');
  Object.assign(video, { muted: true, playsInline: true, srcObject: stream });
  await video.play();
  lastStill = undefined;
  cameraButton.textContent = 'Stop camera';
  const current = video;
  // One frame at a time: the next is taken when this one is done, so a slow device never queues frames.
  const loop = async () => {
    if (video !== current || current.readyState < 2) return;
    try {
      await process(current, current.videoWidth, current.videoHeight, 'camera');
    } catch (error) {
      showError(error, 'reading the camera');
      stopCamera();
      return;
    }
    if (video === current) requestAnimationFrame(() => void loop());
  };
  void loop();
}

function stopCamera(): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = undefined;
  video = undefined;
  cameraButton.textContent = 'Start camera';
}

cameraButton.addEventListener('click', () => {
  if (stream) stopCamera();
  else startCamera().catch((error: unknown) => showError(error, 'starting the camera'));
});
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  // Emptied at once, so choosing the same file again (after a camera session) runs it again.
  fileInput.value = '';
  if (file) showImage(file).catch((error: unknown) => showError(error, 'reading the image file'));
});
blurToggle.addEventListener('change', () => {
  if (lastStill) drawFrame(viewContext, lastStill.source, lastStill.width, lastStill.height, lastStill.faces, blurToggle.checked);
});

async function start(): Promise<void> {
  const started = performance.now();
  try {
    // In the runtime's own worker: the page (camera, drawing, buttons) never waits for inference.
    const model = await loadModelInWorker(`${import.meta.env.BASE_URL}${MODEL_PATH}`, {
      // The engines this app ships (vite.config.ts): auto would rank LiteRT.js first for an int8 model, but
      // its ~9.5 MB builds are not worth it here (tied with tfjs-tflite on this detector, pnpm bench:runtime).
      backend: ['tfjs-tflite', 'wasm'],
      // Verified against the hash built into this code; a tampered or truncated cached copy is never run.
      cache: { sha256: __MODEL_SHA256__ },
      assets: assetBase,
      onProgress: showProgress,
    });
    detector = new FaceDetector(model);
    const ms = performance.now() - started;
    const fetched = downloadsDone();
    byId('model-status').textContent = `face detector, int8, ready in ${ms.toFixed(0)} ms (sha256 verified${fetched ? `; ${fetched}` : ''})`;
    byId('engine').textContent = `${model.engine} / ${model.backend}`;
    byId('engine').title = model.plan.chosen.reason;
    body.dataset.engine = `${model.engine}/${model.backend}`;
    body.dataset.loadMs = ms.toFixed(1);
    cameraButton.disabled = false;
    fileInput.disabled = false;
    body.dataset.state = 'ready';
    showInstruction('ready');
    // Kiosk mode: `?camera` starts the camera without a click (the screen has no one to click it).
    if (new URLSearchParams(location.search).has('camera')) await startCamera().catch((error: unknown) => showError(error, 'starting the camera'));
  } catch (error) {
    downloadsDone();
    byId('model-status').textContent = 'not loaded';
    showError(error, 'loading the face detector');
    showInstruction('failed');
    body.dataset.state = 'error';
  }
  persistStorage()
    .then((s) => {
      byId('model-status').title = `storage ${s.persisted ? 'persistent' : 'best effort'}`;
    })
    .catch(() => undefined);
}

void start();

