import type { LiteRt } from '@litertjs/core';
import { assetFolder, defaultAssetBase } from '../assets.js';
import type { LiteRtCompiledModel } from '../litert/compiled-model.js';
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
 * Loads LiteRT in a page or worker when no instance is loaded yet (an app may have loaded one: it is reused).
 * The instance and its crash recovery are shared with the converter's in-page LiteRT (litert/browser-host.ts).
 */
function liteRtInBrowser(core: typeof import('@litertjs/core'), context: EngineLoadContext): Promise<LiteRt> {
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
  const { openOnBrowserLiteRt } = await import('../litert/browser-host.js');
  const numThreads = context.probe.threads ? Math.max(1, Math.min(4, context.probe.cores - 1)) : 1;
  return openOnBrowserLiteRt(context.bytes, (core) => liteRtInBrowser(core, context), numThreads);
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
