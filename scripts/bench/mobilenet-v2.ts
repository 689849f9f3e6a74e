// A MobileNetV2 (alpha 1.0, 224x224x3, 1000 classes: 3.5M parameters) built with tfjs layers as Keras'
// keras.applications.MobileNetV2 lays it out, with seeded random weights: no pretrained MobileNet ships in
// an npm package we can read offline, and conversion speed depends on the architecture, not the values.
// Saved once as a tfjs layers model under the corpus cache.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveLayersModelToDir } from '@borde/models';

const L = tf.layers;
let seed = 1;
const init = () => tf.initializers.glorotUniform({ seed: seed++ });
const bnInit = () => ({
  gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed++ }),
  betaInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed++ }),
});

function convBnRelu(x: tf.SymbolicTensor, filters: number, kernel: number, stride: number, name: string): tf.SymbolicTensor {
  let y = L.conv2d({ filters, kernelSize: kernel, strides: stride, padding: 'same', useBias: false, kernelInitializer: init(), name }).apply(x) as tf.SymbolicTensor;
  y = L.batchNormalization({ ...bnInit(), name: `${name}_bn` }).apply(y) as tf.SymbolicTensor;
  return L.reLU({ maxValue: 6, name: `${name}_relu` }).apply(y) as tf.SymbolicTensor;
}

function invertedResidual(x: tf.SymbolicTensor, expansion: number, filters: number, stride: number, id: number): tf.SymbolicTensor {
  const inChannels = x.shape[3]!;
  let y = expansion === 1 ? x : convBnRelu(x, inChannels * expansion, 1, 1, `block_${id}_expand`);
  y = L.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false, depthwiseInitializer: init(), name: `block_${id}_depthwise` }).apply(y) as tf.SymbolicTensor;
  y = L.batchNormalization({ ...bnInit(), name: `block_${id}_depthwise_bn` }).apply(y) as tf.SymbolicTensor;
  y = L.reLU({ maxValue: 6, name: `block_${id}_depthwise_relu` }).apply(y) as tf.SymbolicTensor;
  y = L.conv2d({ filters, kernelSize: 1, useBias: false, kernelInitializer: init(), name: `block_${id}_project` }).apply(y) as tf.SymbolicTensor;
  y = L.batchNormalization({ ...bnInit(), name: `block_${id}_project_bn` }).apply(y) as tf.SymbolicTensor;
  return stride === 1 && inChannels === filters ? L.add({ name: `block_${id}_add` }).apply([x, y]) as tf.SymbolicTensor : y;
}

/** (expansion t, output channels c, repeats n, first stride s), as in the MobileNetV2 paper, table 2. */
const STAGES: [number, number, number, number][] = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];

export function mobileNetV2(): tf.LayersModel {
  seed = 1;
  const input = tf.input({ shape: [224, 224, 3], name: 'image' });
  let x = convBnRelu(input, 32, 3, 2, 'Conv1');
  let id = 0;
  for (const [t, c, n, s] of STAGES) {
    for (let i = 0; i < n; i++) x = invertedResidual(x, t, c, i === 0 ? s : 1, id++);
  }
  x = convBnRelu(x, 1280, 1, 1, 'Conv_1');
  x = L.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(x) as tf.SymbolicTensor;
  const probs = L.dense({ units: 1000, activation: 'softmax', kernelInitializer: init(), name: 'predictions' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: probs, name: 'mobilenetv2_1.00_224' });
}

/** The saved model.json (built on first use). */
export async function mobileNetV2ModelJson(): Promise<string> {
  const dir = join(process.env.BORDE_CORPUS_DIR ?? join(homedir(), '.cache', 'borde-corpus'), 'mobilenet-v2-seeded');
  const file = join(dir, 'model.json');
  if (!existsSync(file)) {
    const model = mobileNetV2();
    await saveLayersModelToDir(model, dir);
    model.dispose();
  }
  return file;
}
