import { assetFolder, defaultAssetBase } from '../assets.js';
import {
  positionsByName, wholeModelPlacement,
  type EngineLoadContext, type EngineOutput, type LoadedEngine, type TensorArray,
} from './engine.js';
import { withoutStrayPreload } from './tfjs-tflite-preload.js';

type TfliteModule = typeof import('@tensorflow/tfjs-tflite/dist/tf-tflite.fesm.js');

/** tfjs-tflite keeps its wasm path in module state; set it once per page, from the assets option. */
let wasmPathSet: string | undefined;

/** The tfjs-tflite asset folder as an absolute URL (the form its loader builds script URLs in). */
function wasmFolder(context: EngineLoadContext): string {
  const folder = assetFolder(context.assets ?? defaultAssetBase(), 'tfjs-tflite');
  return new URL(folder, (globalThis as { location?: { href: string } }).location?.href).href;
}

async function tfliteModule(absolute: string): Promise<TfliteModule> {
  // The flat ESM build: the package's `module` entry imports a file that is not shipped (ENVIRONMENT.md).
  const tflite = await import('@tensorflow/tfjs-tflite/dist/tf-tflite.fesm.js');
  // Its default wasm path is next to the script, but the files are in its wasm/ folder: always set it.
  if (wasmPathSet !== absolute) {
    tflite.setWasmPath(absolute);
    wasmPathSet = absolute;
  }
  return tflite;
}

function copyOf(view: TensorArray): TensorArray {
  return view.slice() as TensorArray;
}

/**
 * The interpreter engine on @tensorflow/tfjs-tflite: the official TFLite interpreter (XNNPACK) in wasm,
 * browsers only. Refuses models with custom ops (e.g. MediaPipe's Convolution2DTransposeBias).
 */
export async function loadTfjsTfliteEngine(context: EngineLoadContext): Promise<LoadedEngine> {
  if (context.probe.platform === 'node') throw new Error('tfjs-tflite runs only in browsers');
  const folder = wasmFolder(context);
  const buffer = context.bytes.slice().buffer;
  const numThreads = context.probe.threads ? Math.max(1, Math.min(4, context.probe.cores - 1)) : 1;
  const model = await withoutStrayPreload(folder, async () => (await tfliteModule(folder)).loadTFLiteModel(buffer, { numThreads }));
  const runner = model.modelRunner;
  const inputOrder = positionsByName(context.graph, 'inputs', runner.getInputs().map((i) => i.name));
  const outputOrder = positionsByName(context.graph, 'outputs', runner.getOutputs().map((o) => o.name));
  let closed = false;
  return {
    engine: 'interpreter',
    backend: 'tfjs-tflite',
    placement: wholeModelPlacement(context.graph, 'tfjs-tflite'),
    async run(inputs) {
      if (closed) throw new Error('tfjs-tflite model is closed');
      runner.getInputs().forEach((info, k) => {
        const value = inputs[inputOrder[k]!]!;
        const target = info.data();
        if (target.byteLength !== value.byteLength) {
          throw new RangeError(`tfjs-tflite input ${info.name}: expects ${target.byteLength} bytes, got ${value.byteLength}`);
        }
        new Uint8Array(target.buffer, target.byteOffset, target.byteLength)
          .set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      });
      if (!runner.infer()) throw new Error('tfjs-tflite: inference failed');
      const infos = runner.getOutputs();
      const outputs: EngineOutput[] = new Array(infos.length);
      infos.forEach((info, k) => {
        const shape = info.shape === '' ? [] : info.shape.split(',').map(Number);
        outputs[outputOrder[k]!] = { data: copyOf(info.data()), shape };
      });
      return outputs;
    },
    dispose() {
      if (closed) return;
      closed = true;
      runner.cleanUp();
    },
  };
}
