import * as tf from '@tensorflow/tfjs';
import { createExecutor, prepareBackends, withEngine } from '@borde/runtime';
import type { Graph } from '@borde/tflite';
import type { ModelRunner } from '../verify/verify.js';
import type { TensorValue } from '../verify/tensor-value.js';

/** What tfjs needs to rebuild a model in memory (model.json's topology and signature plus decoded weights). */
export interface TfjsModelArtifacts {
  modelTopology: object;
  /** model.json's `signature`: with it tfjs lists the outputs the model was exported with. */
  signature?: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Graph models: the node outputs to compute (`ref`) and the names they carry in the converted model (`key`). */
export interface ReferenceOutputs {
  outputs: { ref: string; key: string }[];
}

function toTensor(t: TensorValue): tf.Tensor {
  return tf.tensor(t.data as Float32Array, [...t.shape], t.dtype === 'int32' ? 'int32' : t.dtype === 'bool' ? 'bool' : 'float32');
}

async function fromTensors(outputs: tf.Tensor | tf.Tensor[], names: string[]): Promise<TensorValue[]> {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const values: TensorValue[] = [];
  for (const [i, t] of list.entries()) {
    const data = (await t.data()) as Float32Array | Int32Array;
    values.push({ name: names[i] ?? `output_${i}`, dtype: t.dtype === 'int32' ? 'int32' : 'float32', shape: t.shape, data });
  }
  tf.dispose(list);
  return values;
}

/**
 * The tfjs backend a reference runs on: `wasm` (XNNPACK kernels; a MobileNetV2 runs ~20x faster than on the
 * pure-JavaScript `cpu` kernels, which made verification most of a conversion's time) when it initializes,
 * else `cpu`. A kernel the wasm backend lacks moves the reference to `cpu` for good (tfjs moves the weights).
 */
interface ReferenceBackend {
  name: 'wasm' | 'cpu';
}

async function referenceBackend(forced?: 'cpu' | 'wasm'): Promise<ReferenceBackend> {
  if (forced) {
    const [attempt] = await prepareBackends([forced], {});
    if (!attempt?.ok) throw new Error(`tfjs backend ${forced}: ${attempt?.reason ?? 'unavailable'}`);
    return { name: forced };
  }
  const [wasm] = await prepareBackends(['wasm'], {});
  return { name: wasm?.ok ? 'wasm' : 'cpu' };
}

/**
 * Runs tfjs work on the reference's backend under the runtime's engine lock, and gives tfjs' global backend
 * back to whoever had it: an app's own tfjs code is not moved to another backend by a verification.
 */
async function onBackend<T>(backend: ReferenceBackend, work: () => Promise<T>): Promise<T> {
  const once = () => withEngine(async () => {
    const previous = tf.getBackend();
    if (previous !== backend.name) await tf.setBackend(backend.name);
    try {
      return await work();
    } finally {
      if (tf.getBackend() !== previous) await tf.setBackend(previous);
    }
  });
  try {
    return await once();
  } catch (error) {
    if (backend.name === 'cpu' || !/^Kernel '.*' not registered for backend/.test((error as Error).message)) throw error;
    backend.name = 'cpu';
    return once();
  }
}

/**
 * The source tfjs model, run by TensorFlow.js itself: the reference a conversion is judged against. Its
 * outputs carry the names the converted model gives them, so the two are compared by name. Graph models
 * are fed by input name (a Placeholder, a signature key, or a tensor a cut made an input).
 */
export async function tfjsReference(
  format: 'tfjs-layers' | 'tfjs-graph', artifacts: TfjsModelArtifacts, graph?: ReferenceOutputs, on?: 'cpu' | 'wasm',
): Promise<{
  name: string;
  run: ModelRunner;
  dispose(): void;
}> {
  await tf.ready();
  const backend = await referenceBackend(on);
  const handler = tf.io.fromMemory(artifacts);
  if (format === 'tfjs-layers') {
    const model = await onBackend(backend, () => tf.loadLayersModel(handler));
    return {
      get name() {
        return `tfjs ${tf.version.tfjs} layers (${backend.name})`;
      },
      run: (inputs) => onBackend(backend, async () => {
        const xs = inputs.map(toTensor);
        try {
          return await fromTensors(model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[], model.outputNames);
        } finally {
          tf.dispose(xs);
        }
      }),
      dispose: () => model.dispose(),
    };
  }
  const model = await onBackend(backend, () => tf.loadGraphModel(handler));
  const refs = graph?.outputs.map((o) => o.ref) ?? model.outputs.map((o) => o.name);
  const keys = graph?.outputs.map((o) => o.key) ?? refs;
  return {
    get name() {
      return `tfjs ${tf.version.tfjs} graph (${backend.name})`;
    },
    run: (inputs) => onBackend(backend, async () => {
      const xs = inputs.map(toTensor);
      try {
        const feed = Object.fromEntries(xs.map((x, i) => [inputs[i]!.name ?? model.inputs[i]!.name, x]));
        return await fromTensors(await execute(model, feed, refs), keys);
      } finally {
        tf.dispose(xs);
      }
    }),
    dispose: () => model.dispose(),
  };
}

/**
 * The imported float Graph (before any optimization pass) run op by op by Borde's own tfjs engine, on tfjs'
 * wasm kernels (each op wasm lacks on cpu, as the engine's placement decides): the reference for sources
 * that no JavaScript engine runs as they are (Keras files, SavedModels). It checks what the passes, the
 * writer and the interpreter do to the import; the import itself is checked against Keras'/TensorFlow's
 * own outputs by the fixtures' tests.
 */
export async function graphReference(graph: Graph, backend: 'cpu' | 'wasm' = 'wasm'): Promise<{ name: string; run: ModelRunner; dispose(): void }> {
  await tf.ready();
  const executor = await createExecutor(graph, { backends: backend === 'wasm' ? ['wasm', 'cpu'] : ['cpu'] });
  const signature = graph.signatures[0];
  const names = executor.outputs.map((o) => signature?.outputs.find((s) => s.tensorIndex === o.index)?.name ?? o.name);
  const backends = [...new Set(executor.placement.map((p) => p.backend).filter((b) => b === 'wasm' || b === 'cpu'))].sort().reverse();
  return {
    name: `Borde tfjs engine (tfjs ${tf.version.tfjs}, ${backends.join(' + ') || 'cpu'}) on the imported float graph`,
    run: async (inputs) => {
      // By input name (signature key or tensor name) when the values carry names; unnamed calibration rows
      // are in the model's input order.
      const values = inputs.map((t) => ({ data: t.data as Float32Array | Int32Array, shape: t.shape }));
      const named = inputs.every((t) => t.name !== undefined);
      const { outputs } = await executor.run(named ? Object.fromEntries(inputs.map((t, i) => [t.name!, values[i]!])) : values);
      return outputs.map((o, i) => ({ name: names[i]!, dtype: o.dtype === 'int32' ? 'int32' : 'float32', shape: o.shape, data: o.data as Float32Array | Int32Array }));
    },
    dispose: () => executor.dispose(),
  };
}

/** A reference runner that is built on first use (a second engine is only needed when an output misses). */
export function lazyReference(name: string, open: () => Promise<{ run: ModelRunner; dispose(): void }>): { name: string; run: ModelRunner; dispose(): void } {
  let opened: ReturnType<typeof open> | undefined;
  return {
    name,
    run: async (inputs) => (await (opened ??= open())).run(inputs),
    dispose: () => void opened?.then((r) => r.dispose(), () => undefined),
  };
}

/**
 * The same tfjs source model on another tfjs backend (the reference runs on wasm: XNNPACK kernels, float32
 * accumulation; the second on cpu, which accumulates in JavaScript doubles): a second float32 engine of the source. How far the two
 * disagree is the float32 noise of an output, which verification allows for (see verify/verify.ts).
 * It is loaded on first use only (when an output needs its noise floor).
 */
export function tfjsReferenceOn(backend: 'cpu' | 'wasm', format: 'tfjs-layers' | 'tfjs-graph', artifacts: TfjsModelArtifacts, graph?: ReferenceOutputs): {
  name: string;
  run: ModelRunner;
  dispose(): void;
} {
  let model: Promise<{ run: ModelRunner; dispose(): void }> | undefined;
  return {
    name: `tfjs ${tf.version.tfjs} ${format === 'tfjs-graph' ? 'graph' : 'layers'} (${backend})`,
    run: async (inputs) => (await (model ??= tfjsReference(format, artifacts, graph, backend))).run(inputs),
    dispose: () => void model?.then((m) => m.dispose(), () => undefined),
  };
}

/** execute() when the graph allows it (executeAsync warns on every call then); executeAsync for control flow and dynamic ops. */
async function execute(model: tf.GraphModel, feed: Record<string, tf.Tensor>, refs: string[]): Promise<tf.Tensor | tf.Tensor[]> {
  try {
    return model.execute(feed, refs);
  } catch (error) {
    if (!/executeAsync/.test((error as Error).message)) throw error;
    return model.executeAsync(feed, refs);
  }
}
