// The official TFLite interpreter as @tensorflow/tfjs-tflite ships it (TFLite C++ + XNNPACK in wasm),
// run where it is meant to run: a real Chromium page, served from 127.0.0.1 with no network.
// Models go to the page through the local server; tensors cross as base64 bytes (exact for every dtype).

import { fileURLToPath } from 'node:url';
import { launchBrowser, packageDir, type BrowserSession } from './browser.js';
import {
  checkTensor,
  isTensorDType,
  tensorBytes,
  typedArrayFromBytes,
  type TensorValue,
  type TensorDetails,
} from '@borde/runtime/node';

const PAGE_PATH = '/harness-pages/tfjs-tflite.html';

/**
 * tfjs-tflite starts loading its wasm glue from its default path (next to the script, dist/) the moment the
 * script runs, before `setWasmPath` can be called; that one request 404s and is harmless (the real load
 * then uses wasm/). True for that request's path, so tests can ignore exactly it.
 */
export function isTfjsTflitePreloadMiss(path: string): boolean {
  return /^\/tfjs-tflite\/dist\/tflite_web_api_cc(_simd)?(_threaded)?\.js$/.test(path);
}

/** The server routes the tfjs-tflite page needs; include them when launching a shared browser. */
export function tfjsTfliteRoutes(): Record<string, string> {
  return {
    '/tfjs/': packageDir('@tensorflow/tfjs', import.meta.url),
    '/tfjs-tflite/': packageDir('@tensorflow/tfjs-tflite', import.meta.url),
    '/harness-pages/': fileURLToPath(new URL('./pages/', import.meta.url)),
  };
}

export interface TfjsTfliteOptions {
  /** Reuse a browser launched with `tfjsTfliteRoutes()` among its routes; otherwise one is launched. */
  readonly browser?: BrowserSession;
  /** How long one load or run may take before it counts as a hang; default 60 s. */
  readonly timeoutMs?: number;
  /** Interpreter threads; default the library's choice (1 without crossOriginIsolated). */
  readonly numThreads?: number;
}

export interface TfjsTfliteModel {
  readonly inputs: readonly TensorDetails[];
  readonly outputs: readonly TensorDetails[];
  /** Milliseconds `loadTFLiteModel` took in the page (wasm compile on first use included). */
  readonly loadMs: number;
  /** Runs once; `runMs` is the page-side time of `infer()` alone. */
  run(inputs: readonly TensorValue[]): Promise<{ outputs: TensorValue[]; runMs: number }>;
  close(): Promise<void>;
}

export interface TfjsTfliteSession {
  readonly browser: BrowserSession;
  /** Milliseconds to open the page and evaluate tfjs + tfjs-tflite. */
  readonly pageLoadMs: number;
  load(model: Uint8Array): Promise<TfjsTfliteModel>;
  /** Loads, runs once, unloads. */
  run(model: Uint8Array, inputs: readonly TensorValue[]): Promise<TensorValue[]>;
  close(): Promise<void>;
}

interface WireTensor {
  name: string;
  dtype: string;
  shape: number[];
  base64?: string;
}

interface PageApi {
  load(url: string, numThreads: number | undefined): Promise<{ id: number; loadMs: number; inputs: WireTensor[]; outputs: WireTensor[] }>;
  run(id: number, inputs: { dtype: string; base64: string }[]): { runMs: number; outputs: WireTensor[] };
  unload(id: number): void;
}

declare global {
  interface Window {
    bordeTfliteHarness: PageApi;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`tfjs-tflite: ${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function toDetails(wire: WireTensor, index: number): TensorDetails {
  if (!isTensorDType(wire.dtype)) throw new TypeError(`tfjs-tflite tensor ${wire.name}: dtype ${wire.dtype} is not supported by the harness`);
  return { name: wire.name, index, dtype: wire.dtype, shape: wire.shape };
}

/** Unwraps Playwright's "page.evaluate: Error: ..." so the interpreter's own message comes first. */
function pageError(error: unknown, what: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const cleaned = message.replace(/^page\.evaluate: (Error: )?/, '').split('\n')[0];
  return new Error(`tfjs-tflite ${what}: ${cleaned}`, { cause: error });
}

/** Opens the tfjs-tflite page in Chromium (launching one unless `options.browser` is given). */
export async function openTfjsTflite(options: TfjsTfliteOptions = {}): Promise<TfjsTfliteSession> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const ownBrowser = !options.browser;
  const browser = options.browser ?? (await launchBrowser({ routes: tfjsTfliteRoutes() }));
  let page;
  const start = performance.now();
  try {
    page = await browser.context.newPage();
    await page.goto(browser.url(PAGE_PATH), { timeout: timeoutMs });
    await page.waitForFunction(() => typeof window.bordeTfliteHarness === 'object', undefined, { timeout: timeoutMs });
  } catch (error) {
    if (ownBrowser) await browser.close();
    const missing = browser.server.notFound.length ? ` (missing: ${browser.server.notFound.join(', ')})` : '';
    throw new Error(`tfjs-tflite page did not load${missing}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const pageLoadMs = performance.now() - start;
  const livePage = page;
  let modelCount = 0;

  async function load(model: Uint8Array): Promise<TfjsTfliteModel> {
    const modelPath = `/harness-models/${++modelCount}.tflite`;
    browser.server.put(modelPath, model);
    const consoleBefore = browser.consoleMessages.length;
    let loaded;
    try {
      loaded = await withTimeout(
        livePage.evaluate(([url, threads]) => window.bordeTfliteHarness.load(url, threads), [modelPath, options.numThreads] as const),
        timeoutMs,
        'loading the model',
      );
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('tfjs-tflite:')) throw error;
      // The interpreter explains itself on the console (e.g. "Encountered unresolved custom op: ...").
      // Console events can trail the evaluate's answer by a moment.
      await livePage.waitForTimeout(50);
      const said = [...new Set(browser.consoleMessages.slice(consoleBefore).map((m) => m.text).filter((text) => text.startsWith('ERROR')))];
      const refusal = pageError(error, 'refused the model');
      if (said.length) refusal.message += ` (interpreter log: ${said.join(' | ')})`;
      throw refusal;
    } finally {
      browser.server.remove(modelPath);
    }
    const { id, loadMs } = loaded;
    const inputs = loaded.inputs.map(toDetails);
    const outputs = loaded.outputs.map(toDetails);
    return {
      inputs,
      outputs,
      loadMs,
      async run(values) {
        values.forEach((value, i) => checkTensor(value, `input ${i}`));
        const wire = values.map((value) => ({ dtype: value.dtype, base64: Buffer.from(tensorBytes(value.data)).toString('base64') }));
        let result;
        try {
          result = await withTimeout(
            livePage.evaluate(([modelId, tensors]) => window.bordeTfliteHarness.run(modelId, tensors), [id, wire] as const),
            timeoutMs,
            'running the model',
          );
        } catch (error) {
          throw error instanceof Error && error.message.startsWith('tfjs-tflite:') ? error : pageError(error, 'run failed');
        }
        return {
          runMs: result.runMs,
          outputs: result.outputs.map((out, i) => {
            const details = toDetails(out, i);
            return {
              name: details.name,
              dtype: details.dtype,
              shape: details.shape,
              data: typedArrayFromBytes(details.dtype, Buffer.from(out.base64 ?? '', 'base64')),
            };
          }),
        };
      },
      async close() {
        await livePage.evaluate((modelId) => window.bordeTfliteHarness.unload(modelId), id).catch(() => undefined);
      },
    };
  }

  return {
    browser,
    pageLoadMs,
    load,
    async run(model, inputs) {
      const loaded = await load(model);
      try {
        return (await loaded.run(inputs)).outputs;
      } finally {
        await loaded.close();
      }
    },
    async close() {
      await livePage.close().catch(() => undefined);
      if (ownBrowser) await browser.close();
    },
  };
}
