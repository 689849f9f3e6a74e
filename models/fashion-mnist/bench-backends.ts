// Times one training pass over a slice of Fashion-MNIST on each tfjs backend usable in Node without
// tfjs-node (wasm with Borde's gradient kernels, cpu), so the recipe trains on the faster one.
// Usage: tsx fashion-mnist/bench-backends.ts [images=2048] [widths=16,48,96] [backends=wasm,cpu]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadFashionMnist, registerLeanBatchNormGradient, registerWasmGradientKernels } from '../src/index.js';
import { buildFashionMnistModel } from './model.js';

const images = Number(process.argv[2] ?? 2048);
const widths = (process.argv[3] ?? '16,48,96').split(',').map(Number) as [number, number, number];
const data = loadFashionMnist('train');
const backends = (process.argv[4] ?? 'wasm,cpu').split(',');
registerWasmGradientKernels();
registerLeanBatchNormGradient();

for (const backend of backends) {
  const ok = await tf.setBackend(backend);
  const cpuStart = process.cpuUsage();
  if (!ok) {
    console.log(`${backend}: could not initialise`);
    continue;
  }
  await tf.ready();
  const x = tf.tensor4d(data.images.subarray(0, images * 784), [images, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(data.labels.subarray(0, images), 'int32'), 10);
  const model = buildFashionMnistModel({ seed: 1, widths });
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  try {
    // Warm-up batch, then the timed pass.
    await model.fit(x.slice(0, 64), y.slice(0, 64), { epochs: 1, batchSize: 64, verbose: 0 });
    const start = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0, shuffle: false });
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(`${backend}: ${images} images in ${seconds.toFixed(1)} s = ${(images / seconds).toFixed(0)} images/s (process CPU ${cpuSeconds.toFixed(1)} s incl. warm-up); params ${model.countParams()}`);
  } catch (error) {
    console.log(`${backend}: training failed: ${String(error)}`);
  }
  model.dispose();
  tf.dispose([x, y]);
}
