import type { LiteRt } from '@litertjs/core';
import { assetFolder, defaultAssetBase } from '../assets.js';
import type { LiteRtCompiledModel } from '../litert/compiled-model.js';
import { forgetGlobalLiteRt, openResilient, type LiteRtHost } from '../litert/resilient-model.js';
import type { TensorDType } from '../litert/tensors.js';
import type { DeviceProbe } from '../probe.js';
import { importNodeModule } from '../node-import.js';
import {
  positionsByName, wholeModelPlacement,
  type EngineLoadContext, type EngineOutput, type InterpreterBackendName, type LoadedEngine, type TensorArray,
} from './engine.js';

/** Which LiteRT wasm build a browser with these capabilities loads (see ENGINE_ASSETS.litert.variants). */
export function liteRtVariant(probe: DeviceProbe): 'plain' | 'compat' | 'threaded' {
  if (!probe.wasmRelaxedSimd) return 'compat';
  return probe.threads ? 'threaded' : 'plain';
}

/**
 * LiteRT is one global wasm instance per page (its own design); Borde loads it once and shares it between
 * models, or reuses the one an app already loaded.
 */
let browserGeneration = 0;
/** @litertjs/core once imported (lazily: apps that never use LiteRT never load it). */
let browserCore: typeof import('@litertjs/core') | undefined;
/** The page's LiteRT instance: after a trap it is dropped and the next load gets a fresh one. */
const browserHost: LiteRtHost = {
  generation: () => browserGeneration,
  discard(trapped) {
    if (trapped !== browserGeneration) return;
    browserGeneration++;
    if (browserCore) forgetGlobalLiteRt(browserCore);
  },
};

async function liteRtInBrowser(context: EngineLoadContext): Promise<LiteRt> {
  const core = (browserCore ??= await import('@litertjs/core'));
  const existing = core.getGlobalLiteRtPromise();
  if (existing) return existing;
  const folder = assetFolder(context.assets ?? defaultAssetBase(), 'litert');
  const scope = globalThis as { document?: unknown; location?: { href: string }; Module?: unknown };
  if (scope.document === undefined) {
    // In a worker Emscripten looks for the .wasm next to the worker's own script; the loader hands
    // `self.Module` to the glue (and clears it), so point it at the LiteRT folder.
    const base = new URL(folder, scope.location?.href).href;
    scope.Module = { locateFile: (file: string) => new URL(file, base).href };
  }
  return core.loadLiteRt(folder, { threads: liteRtVariant(context.probe) === 'threaded' });
}

/** Node: the compat build loaded by litert-node.ts (browser globals exist only while it loads). */
async function openInNode(bytes: Uint8Array): Promise<LiteRtCompiledModel> {
  // Through the package's own `./node` entry: a relative path would resolve against a bundler's copy of
  // this module (Vite's node_modules/.vite/deps) if a bundler ever followed it.
  const node = await importNodeModule<typeof import('../litert/litert-node.js')>('@borde/runtime/node');
  return node.openLiteRtModel(bytes);
}

async function openInBrowser(context: EngineLoadContext): Promise<LiteRtCompiledModel> {
  const { openCompiledModel } = await import('../litert/compiled-model.js');
  return openResilient(browserHost, async () => openCompiledModel(await liteRtInBrowser(context), context.bytes, {
    accelerator: 'wasm',
    numThreads: context.probe.threads ? Math.max(1, Math.min(4, context.probe.cores - 1)) : 1,
  }));
}

/**
 * The interpreter engine on LiteRT (@litertjs/core): the official interpreter with XNNPACK kernels, which
 * also runs MediaPipe's custom ops. Browser and Node.
 */
export async function loadLiteRtEngine(context: EngineLoadContext): Promise<LoadedEngine> {
  const backend = 'litert-wasm';
  const compiled = context.probe.platform === 'node' ? await openInNode(context.bytes) : await openInBrowser(context);
  const inputOrder = positionsByName(context.graph, 'inputs', compiled.inputs.map((d) => d.name));
  const outputOrder = positionsByName(context.graph, 'outputs', compiled.outputs.map((d) => d.name));
  const sg = context.graph.subgraphs[0]!;
  let closed = false;
  return {
    engine: 'interpreter',
    backend: backend satisfies InterpreterBackendName,
    placement: wholeModelPlacement(context.graph, backend),
    // Inputs are written into LiteRT's buffers before run() returns (see openResilient for a re-open).
    readsInputsAtCall: true,
    async run(inputs) {
      const values = compiled.inputs.map((details, k) => {
        const position = inputOrder[k]!;
        // The graph's static shape: the interpreter marks dynamic dimensions -1.
        const shape = sg.tensors[sg.inputs[position]!]!.shape;
        return { dtype: details.dtype as TensorDType, shape, data: inputs[position]! };
      });
      const results = await compiled.run(values);
      const outputs: EngineOutput[] = new Array(results.length);
      results.forEach((r, k) => {
        outputs[outputOrder[k]!] = { data: r.data as TensorArray, shape: [...r.shape] };
      });
      return outputs;
    },
    dispose() {
      if (closed) return;
      closed = true;
      compiled.close();
    },
  };
}
