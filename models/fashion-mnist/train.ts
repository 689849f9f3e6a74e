// Trains the MobileNet-style Fashion-MNIST CNN and writes fashion-mnist/tfjs/{model.json,weights.bin} and
// fashion-mnist/metrics.json. Run from the repo root: pnpm --filter @borde/models run train:fashion-mnist
//
// Backend: tfjs-backend-wasm with the gradient kernels it lacks (src/wasm-gradient-kernels.ts) and a lean
// BatchNormalization gradient (src/batch-norm-gradient.ts); ~5x faster here than the cpu backend
// (fashion-mnist/bench-backends.ts measures both). Single-threaded wasm and seeded everything: a rerun
// gives the same weights.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  loadFashionMnist,
  permutation,
  registerLeanBatchNormGradient,
  registerWasmGradientKernels,
  saveLayersModelToDir,
  seededRandom,
  withSeededMathRandom,
  type FashionMnist,
} from '../src/index.js';
import { buildFashionMnistModel } from './model.js';

const SEED = 42;
/** Adam learning rate per epoch (a step decay); the number of entries is the number of epochs. */
const LEARNING_RATES = [0.004, 0.003, 0.002, 0.001, 0.0004];
const BATCH_SIZE = 128;
const PIXELS = 28 * 28;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

registerWasmGradientKernels();
registerLeanBatchNormGradient();
if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not initialise (is @tensorflow/tfjs-backend-wasm installed?)');
await tf.ready();

const train = loadFashionMnist('train');
const test = loadFashionMnist('test');
const model = buildFashionMnistModel({ seed: SEED });
const optimizer = tf.train.adam(LEARNING_RATES[0]);
model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
console.log(`${model.countParams()} parameters; ${train.count} training images, ${LEARNING_RATES.length} epochs, batch ${BATCH_SIZE}`);

const started = performance.now();
const cpuStarted = process.cpuUsage();
const epochs: Array<{ epoch: number; learningRate: number; loss: number; accuracy: number; seconds: number }> = [];
const shuffle = seededRandom(SEED);
// Dropout draws its masks from Math.random when given no seed (a fixed seed would repeat one mask).
await withSeededMathRandom(SEED + 1, async () => {
  const images = new Float32Array(BATCH_SIZE * PIXELS);
  const labels = new Float32Array(BATCH_SIZE);
  for (const [epoch, learningRate] of LEARNING_RATES.entries()) {
    // Adam reads its learning rate on every step; tfjs exposes no setter.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
    const epochStarted = performance.now();
    const order = permutation(train.count, shuffle);
    let lossSum = 0;
    let accuracySum = 0;
    let seen = 0;
    for (let start = 0; start + BATCH_SIZE <= train.count; start += BATCH_SIZE) {
      for (let i = 0; i < BATCH_SIZE; i++) {
        const index = order[start + i]!;
        images.set(train.images.subarray(index * PIXELS, (index + 1) * PIXELS), i * PIXELS);
        labels[i] = train.labels[index]!;
      }
      const x = tf.tensor4d(images, [BATCH_SIZE, 28, 28, 1]);
      const y = tf.tensor2d(labels, [BATCH_SIZE, 1]);
      const [loss, accuracy] = (await model.trainOnBatch(x, y)) as number[];
      tf.dispose([x, y]);
      lossSum += loss! * BATCH_SIZE;
      accuracySum += accuracy! * BATCH_SIZE;
      seen += BATCH_SIZE;
      if ((start / BATCH_SIZE) % 100 === 0) {
        const elapsed = (performance.now() - started) / 1000;
        console.log(`epoch ${epoch + 1} batch ${start / BATCH_SIZE}: loss ${(lossSum / seen).toFixed(4)} acc ${(accuracySum / seen).toFixed(4)} (${elapsed.toFixed(0)} s)`);
      }
    }
    const record = {
      epoch: epoch + 1,
      learningRate,
      loss: Number((lossSum / seen).toFixed(4)),
      accuracy: Number((accuracySum / seen).toFixed(4)),
      seconds: Number(((performance.now() - epochStarted) / 1000).toFixed(1)),
    };
    epochs.push(record);
    console.log(`epoch ${record.epoch} done: ${JSON.stringify(record)}`);
  }
});
const trainingSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);

/** Top-1 accuracy of the float model on a whole part, in batches. */
function accuracyOn(data: FashionMnist): number {
  let correct = 0;
  for (let start = 0; start < data.count; start += 500) {
    const count = Math.min(500, data.count - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(data.images.subarray(start * PIXELS, (start + count) * PIXELS), [count, 28, 28, 1]);
      return tf.argMax(model.predict(x) as tf.Tensor, -1).dataSync();
    });
    for (let i = 0; i < count; i++) if (predicted[i] === data.labels[start + i]) correct++;
  }
  return correct / data.count;
}
const testAccuracy = accuracyOn(test);

const sizes = await saveLayersModelToDir(model, here('./tfjs'));
const metrics = {
  model: 'fashion-mnist',
  data: 'Fashion-MNIST from Debian dataset-fashion-mnist: 60,000 training images, 10,000 test images',
  input: { shape: [1, 28, 28, 1], preprocessing: 'grey bytes / 255 (values in [0, 1]), NHWC, no mean/std' },
  output: 'softmax over 10 classes (FASHION_MNIST_CLASSES order)',
  parameters: model.countParams(),
  training: {
    backend: `${tf.getBackend()} (+ models/src/wasm-gradient-kernels.ts)`,
    tfjs: tf.version_core,
    seed: SEED,
    optimizer: 'adam',
    learningRates: LEARNING_RATES,
    epochs: LEARNING_RATES.length,
    batchSize: BATCH_SIZE,
    loss: 'sparseCategoricalCrossentropy',
    seconds: Number(trainingSeconds.toFixed(0)),
    processCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(0)),
    machine: 'the project machine: 2 cores shared with other jobs, Node 20',
    perEpoch: epochs,
  },
  testAccuracy: Number(testAccuracy.toFixed(4)),
  testImages: test.count,
  files: { 'tfjs/model.json': sizes.modelJsonBytes, 'tfjs/weights.bin': sizes.weightsBytes },
};
await writeFile(here('./metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
console.log(`test accuracy ${metrics.testAccuracy} on ${test.count} images; trained in ${trainingSeconds.toFixed(0)} s`);
