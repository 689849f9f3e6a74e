/**
 * What the screen tells the person in front of it: what to do first, how far the downloads are (the model
 * and the engine, with totals), and what went wrong in words, cleared again once things work.
 */
import type { LoadProgress } from '@borde/runtime';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

// ---- first screen -------------------------------------------------------------------------------------------

const INSTRUCTIONS = {
  loading: 'Getting the face detector ready on this device (first visit: a few MB, then it works offline)...',
  ready: 'Press Start camera, or choose an image file: the faces found are boxed here, or blurred with "Blur faces".',
  failed: 'The face detector could not start: see the message above.',
} as const;

/** The instruction shown where the picture will be, until there is a picture. */
export function showInstruction(state: keyof typeof INSTRUCTIONS): void {
  const instruction = byId('instruction');
  instruction.textContent = INSTRUCTIONS[state];
  instruction.dataset.state = state;
}

/** A picture with its result is on screen: the instruction gives way to it. */
export function showPicture(): void {
  byId('instruction').hidden = true;
  byId<HTMLCanvasElement>('view').hidden = false;
}

/** No valid result any more (a file that could not be read): the old picture, faces and count go. */
export function clearResult(): void {
  const canvas = byId<HTMLCanvasElement>('view');
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  canvas.hidden = true;
  byId('instruction').hidden = false;
  showInstruction('ready');
  byId('faces').textContent = '-';
  byId('latency').textContent = '-';
  delete document.body.dataset.faces;
  delete document.body.dataset.source;
}

// ---- downloads ----------------------------------------------------------------------------------------------

/** Bytes per file so far, by phase: the model, then each engine file (wasm) the engine fetches. */
const downloads = new Map<string, { phase: LoadProgress['phase']; loaded: number; total: number | undefined }>();

function summary(phase: LoadProgress['phase']): { loaded: number; total: number | undefined; files: number } {
  let loaded = 0;
  let total: number | undefined = 0;
  let files = 0;
  for (const d of downloads.values()) {
    if (d.phase !== phase) continue;
    files++;
    loaded += d.loaded;
    total = total === undefined || d.total === undefined ? undefined : total + d.total;
  }
  return { loaded, total, files };
}

function describePhase(label: string, phase: LoadProgress['phase'], pending: string): string {
  const s = summary(phase);
  if (s.files === 0) return `${label} ${pending}`;
  return `${label} ${formatBytes(s.loaded)}${s.total !== undefined ? ` of ${formatBytes(s.total)}` : ''}`;
}

/** loadModel's onProgress: one line with both downloads and their totals, and a bar over the bytes known. */
export function showProgress(progress: LoadProgress): void {
  downloads.set(`${progress.phase}:${progress.url ?? ''}`, { phase: progress.phase, loaded: progress.loaded, total: progress.total });
  const text = `downloading: ${describePhase('model', 'model', 'starting')}; ${describePhase('engine', 'engine', 'next')}`;
  byId('model-status').textContent = text;
  const bar = byId<HTMLProgressElement>('download');
  const known = [...downloads.values()].filter((d) => d.total !== undefined);
  bar.hidden = false;
  bar.max = Math.max(1, known.reduce((sum, d) => sum + d.total!, 0));
  bar.value = known.reduce((sum, d) => sum + Math.min(d.loaded, d.total!), 0);
  bar.textContent = text;
}

/** The downloads are over: the bar goes, and what was fetched is summed up for the status line. */
export function downloadsDone(): string {
  byId('download').hidden = true;
  const model = summary('model');
  const engine = summary('engine');
  const parts = [model.files ? `model ${formatBytes(model.loaded)}` : '', engine.files ? `engine ${formatBytes(engine.loaded)}` : ''];
  return parts.filter(Boolean).join(' + ');
}

// ---- errors -------------------------------------------------------------------------------------------------

/** What was being done when the error came: the words depend on it. */
export type Activity = 'loading the face detector' | 'starting the camera' | 'reading the camera' | 'reading the image file';

/** Browser errors (DOMException names) in words, per activity; never their numeric codes. */
const IN_WORDS: Record<string, string> = {
  NotAllowedError: 'the camera was not allowed. Allow it for this site in the browser, or choose an image file instead.',
  SecurityError: 'the browser does not allow the camera here (it needs https or localhost). Choose an image file instead.',
  NotFoundError: 'no camera was found on this device. Connect one, or choose an image file instead.',
  NotReadableError: 'the camera is in use by another app or could not be read. Close the other app and press Start camera again.',
  OverconstrainedError: 'the camera cannot give a usable picture size. Try another camera, or choose an image file.',
  AbortError: 'the camera stopped starting. Press Start camera again.',
};

/** The error in words: what failed, why, and what to do; the technical detail stays in the tooltip. */
export function describeFailure(error: unknown, activity: Activity): { text: string; detail: string; code: string } {
  const name = error instanceof Error || error instanceof DOMException ? error.name : 'Error';
  const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  const runtimeCode = (error as { code?: unknown }).code;
  const code = typeof runtimeCode === 'string' ? runtimeCode : name;
  let text: string;
  if (activity === 'reading the image file') {
    text = 'This file could not be read as an image (it may be damaged, or not a picture). Choose a JPEG, PNG or WebP image.';
  } else if ((activity === 'starting the camera' || activity === 'reading the camera') && IN_WORDS[name]) {
    text = `Camera: ${IN_WORDS[name]}`;
  } else if (typeof runtimeCode === 'string') {
    // Borde's errors already say what is wrong and how to fix it.
    text = `Problem while ${activity}: ${message}`;
  } else {
    text = `Problem while ${activity}: ${message || name}.`;
  }
  return { text, detail: `${name}: ${message}`, code };
}

let shownFor: Activity | undefined;

export function showError(error: unknown, activity: Activity): void {
  const failure = byId<HTMLParagraphElement>('failure');
  const { text, detail, code } = describeFailure(error, activity);
  failure.hidden = false;
  failure.textContent = text;
  failure.title = detail;
  failure.dataset.code = code;
  shownFor = activity;
  console.warn(`kiosk: ${activity} failed:`, error);
}

/** Something worked again (a frame or an image was processed): an error about the camera or a file goes. */
export function clearError(): void {
  if (shownFor === undefined || shownFor === 'loading the face detector') return;
  const failure = byId<HTMLParagraphElement>('failure');
  failure.hidden = true;
  failure.textContent = '';
  failure.removeAttribute('title');
  delete failure.dataset.code;
  shownFor = undefined;
}
