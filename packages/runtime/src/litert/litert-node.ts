// The official LiteRT interpreter (@litertjs/core, XNNPACK CPU kernels compiled to WebAssembly) run in
// plain Node. Used as the reference that every Borde output is judged against.
//
// @litertjs/core is written for browsers: its loader runs the wasm glue with `importScripts` (workers) or a
// <script> tag and reads `self.ModuleFactory`. We provide exactly those two globals while it loads, run
// the glue as CommonJS (its Node code path reads the .wasm from disk, no fetch), and remove them again.
// Its high-level Tensor API only knows float32/int32/uint8, so models are driven through the wasm
// bindings (`liteRtWasm`) it exposes, which handle every element type (int8 models included).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import * as core from '@litertjs/core';
import { getGlobalLiteRtPromise, loadLiteRt, type LiteRt } from '@litertjs/core';
import { openCompiledModel, type LiteRtCompiledModel, type LiteRtRunOptions } from './compiled-model.js';
import { forgetGlobalLiteRt, openResilient, type LiteRtHost } from './resilient-model.js';
import type { TensorValue, TensorDetails } from './tensors.js';

export type { LiteRtRunOptions } from './compiled-model.js';

/** Where @litertjs/core keeps its wasm variants. */
export function liteRtWasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@litertjs/core')), '..', 'wasm');
}

let loading: Promise<LiteRt> | undefined;
let generation = 0;

/** LiteRT's own log lines (INFO/WARNING/ERROR from C++), newest last; set BORDE_LITERT_LOG=1 to echo them. */
const logLines: string[] = [];
const LOG_LIMIT = 200;
let totalLogged = 0;

function recordLog(line: string): void {
  totalLogged++;
  logLines.push(line);
  if (logLines.length > LOG_LIMIT) logLines.splice(0, logLines.length - LOG_LIMIT);
  if (process.env.BORDE_LITERT_LOG === '1') process.stderr.write(`[litert] ${line}\n`);
}

/** The last lines LiteRT logged (it explains refusals there, e.g. unsupported ops). */
export function liteRtLog(): readonly string[] {
  return [...logLines];
}

/**
 * Loads LiteRT's compat wasm build (no relaxed SIMD: Node 20 lacks it) once per process.
 * Later calls return the same instance.
 */
export function initLiteRtNode(): Promise<LiteRt> {
  loading ??= getGlobalLiteRtPromise() ?? loadCompatBuild();
  return loading;
}

/** Drops a LiteRT instance whose wasm trapped; the next initLiteRtNode() loads a fresh one. */
export function discardLiteRt(): void {
  generation++;
  loading = undefined;
  forgetGlobalLiteRt(core);
}

/** The Node process's LiteRT instance, as openResilient sees it. */
export const nodeLiteRtHost: LiteRtHost = {
  generation: () => generation,
  discard(trapped) {
    if (trapped === generation) discardLiteRt();
  },
};

async function loadCompatBuild(): Promise<LiteRt> {
  const scriptPath = join(liteRtWasmDir(), 'litert_wasm_compat_internal.js');
  const global = globalThis as Record<string, unknown>;
  const saved = { self: global.self, importScripts: global.importScripts, Module: global.Module };
  const had = { self: 'self' in global, importScripts: 'importScripts' in global, Module: 'Module' in global };
  global.self = globalThis;
  // The loader hands `self.Module` to the Emscripten factory: route LiteRT's chatty stdout/stderr to a log.
  global.Module = { print: recordLog, printErr: recordLog };
  global.importScripts = (url: string) => {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url;
    global.ModuleFactory = runCommonJsScript(path);
  };
  // LiteRT tries to open a WebGPU device for its default environment; Node has none, and that is fine
  // for CPU runs. Keep that expected warning out of test logs.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Failed to create default WebGPU device')) return;
    warn(...args);
  };
  try {
    return await loadLiteRt(scriptPath);
  } finally {
    console.warn = warn;
    for (const key of ['self', 'importScripts', 'Module'] as const) {
      if (had[key]) global[key] = saved[key]; else delete global[key];
    }
    delete global.ModuleFactory;
  }
}

/** Runs an Emscripten glue script as a CommonJS module and returns its exports (the module factory). */
function runCommonJsScript(path: string): unknown {
  const source = readFileSync(path, 'utf8');
  const module = { exports: {} as unknown };
  const wrapper = vm.compileFunction(source, ['require', 'module', 'exports', '__dirname', '__filename'], {
    filename: path,
  });
  wrapper(createRequire(path), module, module.exports, dirname(path), path);
  return module.exports;
}

/** A model loaded and compiled in LiteRT (CPU). Call `close()` when done. */
export type LiteRtNodeModel = LiteRtCompiledModel;

/** Loads `model` (the .tflite bytes) into LiteRT, compiled for the wasm CPU accelerator. */
export function openLiteRtModel(model: Uint8Array, options: LiteRtRunOptions = {}): Promise<LiteRtNodeModel> {
  // A trap while loading or running discards the instance; the model then re-opens on the fresh one.
  return openResilient(nodeLiteRtHost, () => openOnce(model, options));
}

async function openOnce(model: Uint8Array, options: LiteRtRunOptions): Promise<LiteRtCompiledModel> {
  const liteRt = await initLiteRtNode();
  const loggedBefore = totalLogged;
  return openCompiledModel(liteRt, model, {
    ...options,
    accelerator: 'wasm',
    explainRefusal: () => {
      const fresh = Math.min(totalLogged - loggedBefore, logLines.length);
      // INFO lines and the (expected) missing-NPU warning say nothing about the model.
      return (fresh > 0 ? logLines.slice(-fresh) : [])
        .filter((line) => !line.startsWith('INFO') && !line.includes('NPU accelerator could not be loaded'))
        .slice(-5)
        .join(' | ');
    },
  });
}

/** Loads, runs once, frees. Outputs come in signature order with name, dtype, shape and data. */
export async function runLiteRt(
  model: Uint8Array,
  inputs: readonly TensorValue[],
  options: LiteRtRunOptions = {},
): Promise<TensorValue[]> {
  const loaded = await openLiteRtModel(model, options);
  try {
    return await loaded.run(inputs);
  } finally {
    loaded.close();
  }
}

/** The input and output details LiteRT reads from the model. */
export async function liteRtModelDetails(
  model: Uint8Array,
  options: LiteRtRunOptions = {},
): Promise<{ signatures: readonly string[]; inputs: readonly TensorDetails[]; outputs: readonly TensorDetails[] }> {
  const loaded = await openLiteRtModel(model, options);
  const { signatures, inputs, outputs } = loaded;
  loaded.close();
  return { signatures, inputs, outputs };
}
