// Trains the classic tutorial network on the Breast Cancer Wisconsin data and writes
// breast-cancer/tfjs/{model.json,weights.bin} and breast-cancer/metrics.json.
// Run from the repo root: pnpm --filter @borde/models run train:breast-cancer
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  BREAST_CANCER_FEATURES,
  BREAST_CANCER_SPLIT_SEED,
  breastCancerMatrix,
  breastCancerSplit,
  loadBreastCancer,
  permutation,
  saveLayersModelToDir,
  seededRandom,
} from '../src/index.js';

const SEED = BREAST_CANCER_SPLIT_SEED;
const EPOCHS = 100;
const BATCH_SIZE = 16;
const LEARNING_RATE = 0.01;
/** Features are integers 1..10; the model's first layer maps them to 0.1..1. */
const INPUT_SCALE = 0.1;

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

await tf.setBackend('cpu');
const started = performance.now();
const rows = loadBreastCancer();
const split = breastCancerSplit(SEED, rows);
const train = breastCancerMatrix(split.train);
const test = breastCancerMatrix(split.test);

/** input 9 -> Rescaling(0.1) -> Dense 18 ReLU -> Dense 1 sigmoid; seeded initializers. */
function buildModel(seed: number): tf.Sequential {
  const model = tf.sequential({ name: 'breast_cancer_mlp' });
  model.add(tf.layers.rescaling({ inputShape: [BREAST_CANCER_FEATURES.length], scale: INPUT_SCALE, offset: 0, name: 'scale_features' }));
  model.add(tf.layers.dense({ units: 18, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }), name: 'hidden' }));
  model.add(
    tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: 'malignant' }),
  );
  return model;
}

const model = buildModel(SEED);
model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'binaryCrossentropy', metrics: ['accuracy'] });

const xTrain = tf.tensor2d(train.features, [train.count, BREAST_CANCER_FEATURES.length]);
const yTrain = tf.tensor2d(Float32Array.from(train.labels), [train.count, 1]);
const shuffle = seededRandom(SEED);
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  // Our own seeded order each epoch: fit's shuffle would draw from Math.random.
  const order = tf.tensor1d(permutation(train.count, shuffle), 'int32');
  const [x, y] = [tf.gather(xTrain, order), tf.gather(yTrain, order)];
  const history = await model.fit(x, y, { epochs: 1, batchSize: BATCH_SIZE, shuffle: false, verbose: 0 });
  tf.dispose([order, x, y]);
  if ((epoch + 1) % 20 === 0) {
    console.log(`epoch ${epoch + 1}/${EPOCHS}: loss ${Number(history.history['loss']![0]).toFixed(4)} acc ${Number(history.history['acc']![0]).toFixed(4)}`);
  }
}
const trainingSeconds = (performance.now() - started) / 1000;

function evaluate(part: { features: Float32Array; labels: Uint8Array; count: number }) {
  const probabilities = tf.tidy(() =>
    (model.predict(tf.tensor2d(part.features, [part.count, BREAST_CANCER_FEATURES.length])) as tf.Tensor).dataSync(),
  );
  const confusion = { truePositive: 0, trueNegative: 0, falsePositive: 0, falseNegative: 0 };
  part.labels.forEach((label, i) => {
    const predicted = probabilities[i]! >= 0.5 ? 1 : 0;
    if (predicted === 1) confusion[label === 1 ? 'truePositive' : 'falsePositive']++;
    else confusion[label === 0 ? 'trueNegative' : 'falseNegative']++;
  });
  return { accuracy: (confusion.truePositive + confusion.trueNegative) / part.count, confusion };
}
const trainResult = evaluate(train);
const testResult = evaluate(test);

const sizes = await saveLayersModelToDir(model, here('./tfjs'));
const count = (labels: Uint8Array, label: number) => labels.filter((value) => value === label).length;
const metrics = {
  model: 'breast-cancer',
  data: 'models/data/breast-cancer-wisconsin.data (683 complete rows; 16 rows with Bare_Nuclei "?" dropped)',
  split: {
    seed: SEED,
    method: 'stratified per class, round(12%) of each class to test',
    train: { rows: train.count, benign: count(train.labels, 0), malignant: count(train.labels, 1) },
    test: { rows: test.count, benign: count(test.labels, 0), malignant: count(test.labels, 1) },
  },
  input: {
    features: BREAST_CANCER_FEATURES,
    preprocessing: 'none outside the model: pass the raw 1..10 feature values; the first layer (Rescaling, scale 0.1) scales them',
    inputScaleInsideModel: INPUT_SCALE,
  },
  output: 'probability of malignant (label 1); threshold 0.5',
  parameters: model.countParams(),
  training: { backend: tf.getBackend(), tfjs: tf.version_core, optimizer: 'adam', learningRate: LEARNING_RATE, epochs: EPOCHS, batchSize: BATCH_SIZE, seconds: Number(trainingSeconds.toFixed(1)) },
  trainAccuracy: Number(trainResult.accuracy.toFixed(4)),
  testAccuracy: Number(testResult.accuracy.toFixed(4)),
  testConfusion: testResult.confusion,
  files: { 'tfjs/model.json': sizes.modelJsonBytes, 'tfjs/weights.bin': sizes.weightsBytes },
};
await writeFile(here('./metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
console.log(`test accuracy ${metrics.testAccuracy} on ${test.count} rows (train ${metrics.trainAccuracy} on ${train.count}); ${trainingSeconds.toFixed(1)} s`);
