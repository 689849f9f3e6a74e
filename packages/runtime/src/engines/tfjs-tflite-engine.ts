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
  // Read once: each call builds a C++ vector and a wrapper per tensor (a cost a 6 µs model feels). Each
  // info's data() is a fresh view of the interpreter's tensor buffer, which stays put after allocation.
  const inputInfos = runner.getInputs();
  const outputInfos = runner.getOutputs();
  const inputOrder = positionsByName(context.graph, 'inputs', inputInfos.map((i) => i.name));
  const outputOrder = positionsByName(context.graph, 'outputs', outputInfos.map((o) => o.name));
  let closed = false;
  /** Output shapes as the runner reports them ("1,2"), parsed once per distinct string. */
  const shapes = new Map<string, readonly number[]>();
  const shapeOf = (text: string): number[] => {
    let shape = shapes.get(text);
    if (!shape) shapes.set(text, (shape = text === '' ? [] : text.split(',').map(Number)));
    return shape.slice();
  };
  const runNow = (inputs: readonly TensorArray[]): EngineOutput[] => {
    if (closed) throw new Error('tfjs-tflite model is closed');
    for (let k = 0; k < inputInfos.length; k++) {
      const info = inputInfos[k]!;
      const value = inputs[inputOrder[k]!]!;
      const target = info.data();
      if (target.byteLength !== value.byteLength) {
        throw new RangeError(`tfjs-tflite input ${info.name}: expects ${target.byteLength} bytes, got ${value.byteLength}`);
      }
      if (target.constructor === value.constructor) (target as Float32Array).set(value as Float32Array);
      else new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
    if (!runner.infer()) throw new Error('tfjs-tflite: inference failed');
    const outputs: EngineOutput[] = new Array(outputInfos.length);
    for (let k = 0; k < outputInfos.length; k++) {
      const info = outputInfos[k]!;
      outputs[outputOrder[k]!] = { data: copyOf(info.data()), shape: shapeOf(info.shape) };
    }
    return outputs;
  };
  return {
    engine: 'interpreter',
    backend: 'tfjs-tflite',
    placement: wholeModelPlacement(context.graph, 'tfjs-tflite'),
    // The interpreter runs synchronously on the calling thread (infer()); inputs are copied into its tensors.
    readsInputsAtCall: true,
    runNow,
    async run(inputs) {
      return runNow(inputs);
    },
    dispose() {
      if (closed) return;
      closed = true;
      runner.cleanUp();
    },
  };
}
