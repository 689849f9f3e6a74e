import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendAttempt } from './errors.js';
import { importNodeModule } from './node-import.js';

/** Whether `backend` registers the tfjs kernel `kernel`. Injectable so tests can hold a kernel back. */
export type KernelCheck = (backend: string, kernel: string) => boolean;

export const registeredKernel: KernelCheck = (backend, kernel) => tf.getKernel(kernel, backend) !== undefined;

export interface BackendSetup {
  /**
   * Where tfjs-backend-wasm finds its .wasm files (a folder URL or, in Node, a folder path ending in `/`).
   * Default in Node: the package's own dist/ folder; in browsers, tfjs' default (next to the script).
   */
  wasmPaths?: string;
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** tfjs-backend-webgpu registers itself only when navigator.gpu exists. */
function hasNavigatorGpu(): boolean {
  return Boolean((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu);
}

/** The folder of tfjs-backend-wasm's .wasm files, resolved through Node's module resolution. */
async function nodeWasmFolder(): Promise<string> {
  const { createRequire } = await importNodeModule<typeof import('node:module')>('node:module');
  const path = await importNodeModule<typeof import('node:path')>('node:path');
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

/** Registers backends that ship as optional packages; returns a reason when that is impossible. */
async function register(name: string, setup: BackendSetup): Promise<string | undefined> {
  // wasm is prepared even when the app registered it itself: its .wasm paths must still be set before
  // the backend first initializes, or the `assets` option would be ignored and the files 404.
  if (name !== 'wasm' && tf.findBackendFactory(name)) return undefined;
  try {
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const paths = setup.wasmPaths ?? (isNode() ? await nodeWasmFolder() : undefined);
      if (paths !== undefined && !tf.engine().registry['wasm']) wasm.setWasmPaths(paths);
    } else if (name === 'webgl') {
      await import('@tensorflow/tfjs-backend-webgl');
    } else if (name === 'webgpu') {
      // Only reached when webgpu is asked for or ranked usable, never in Node (no navigator.gpu there):
      // its ~320 kB of WGSL programs are evaluated only then, and apps that split chunks load them only then.
      if (!hasNavigatorGpu()) return 'not registered: navigator.gpu is absent (Node has no WebGPU; in a browser, WebGPU is not enabled)';
      await import('@tensorflow/tfjs-backend-webgpu');
    }
  } catch (cause) {
    return `could not load its package: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  return tf.findBackendFactory(name)
    ? undefined
    : `not registered: import @tensorflow/tfjs-backend-${name} before creating the executor`;
}

/** Increases each time the wasm backend is re-created after a trap (see reinitializeWasm). */
let wasmGeneration = 0;

export function wasmBackendGeneration(): number {
  return wasmGeneration;
}

/**
 * Replaces tfjs' wasm backend after a trap left its memory in an unknown state: the next use initializes a
 * fresh wasm module (tfjs-backend-wasm's factory instantiates a new one per call). Tensors on the old backend
 * are lost; executors re-upload their weights when they see the generation change. Call under the engine lock.
 */
export function reinitializeWasm(): void {
  const factory = tf.findBackendFactory('wasm');
  const old = tf.engine().registry['wasm'] as { dispose(): void } | undefined;
  // Its dispose() would free through the trapped module's memory.
  if (old) old.dispose = () => undefined;
  tf.removeBackend('wasm');
  if (factory) tf.registerBackend('wasm', factory, 2);
  wasmGeneration++;
}

/** Name of tfjs' current backend without initializing one (tf.getBackend() would). */
export function currentBackend(): string | undefined {
  return (tf.engine().backendName as string | null) ?? undefined;
}

/**
 * Gets each requested backend ready, in order: one attempt each, with the reason when it fails
 * (tf.setBackend's boolean is checked: a missing .wasm makes it quietly return false).
 */
export async function prepareBackends(names: readonly string[], setup: BackendSetup): Promise<BackendAttempt[]> {
  const previous = currentBackend();
  const attempts: BackendAttempt[] = [];
  try {
    for (const backend of names) {
      const missing = await register(backend, setup);
      if (missing) {
        attempts.push({ backend, ok: false, reason: missing });
        continue;
      }
      let ok = false;
      let reason = 'tf.setBackend returned false (initialization failed; for wasm check that the .wasm files are served)';
      try {
        ok = await tf.setBackend(backend);
      } catch (cause) {
        reason = `initialization threw: ${cause instanceof Error ? cause.message : String(cause)}`;
      }
      attempts.push({ backend, ok, reason: ok ? 'ready' : reason });
    }
  } finally {
    if (previous !== undefined && currentBackend() !== previous) await tf.setBackend(previous);
  }
  return attempts;
}
