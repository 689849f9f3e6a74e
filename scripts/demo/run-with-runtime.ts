import { loadModel } from '@borde/runtime';
import { loadSamples } from '../../converter/src/calibration/index.js';

/** Loads an int8 model with @borde/runtime (backend 'auto') and times it on the first test samples. */
export async function runWithRuntime(bytes: Uint8Array, testData: string): Promise<{ engine: string; backend: string; medianMs: number }> {
  const model = await loadModel(bytes, { backend: 'auto' });
  try {
    const inputs = model.inputs.map((i) => ({ name: i.name, dtype: 'float32' as const, shape: [...i.shape] }));
    const samples = await loadSamples(testData, inputs, { labelColumn: 'label', limit: 200 });
    const times: number[] = [];
    for (const sample of samples) {
      const start = performance.now();
      await model.run(sample.map((t) => ({ data: t.data as Float32Array, shape: [...t.shape] })));
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { engine: model.engine, backend: model.backend, medianMs: times[Math.floor(times.length / 2)]! };
  } finally {
    model.dispose();
  }
}
