// Every supported Keras layer and activation, each in a small tfjs model built here: imported, optimized,
// written, run in the official LiteRT interpreter and compared with tfjs' model.predict on seeded inputs.
import * as tf from '@tensorflow/tfjs';
import { encodeFloat16, writeModel, type Graph } from '@borde/tflite';
import { createRng, runLiteRt, seededTensor, compareTensors, type TensorValue } from '@borde/test/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSourceError, UnsupportedOpsError } from '../src/errors.js';
import { importLayersModel } from '../src/importers/layers-model.js';
import { artifactsFromLayersModel, decodeTfjsWeights, loadTfjsArtifacts } from '../src/importers/tfjs-artifacts.js';
import { optimize } from '../src/passes/index.js';

const L = tf.layers;
type Shape = number[];

interface Case {
  name: string;
  /** Input shapes without batch. */
  inputs: Shape[];
  /** The layers applied in order to a single input (Sequential-like), or a functional body. */
  layers?: () => tf.layers.Layer[];
  body?: (inputs: tf.SymbolicTensor[]) => tf.SymbolicTensor | tf.SymbolicTensor[];
  /** Input value range (default [-3, 3], wide enough to reach every activation's bends). */
  range?: [number, number];
  /** Ops the optimized graph must contain (in order, as a subsequence). */
  ops?: string[];
}

const conv = (extra: Record<string, unknown> = {}) => L.conv2d({ filters: 4, kernelSize: 3, ...extra });
const activation = (name: string): Case => ({
  name: `activation ${name}`,
  inputs: [[6]],
  layers: () => [L.dense({ units: 5, activation: name as never })],
  range: [-4, 4],
});

const CASES: Case[] = [
  { name: 'Dense', inputs: [[7]], layers: () => [L.dense({ units: 3 })], ops: ['FULLY_CONNECTED'] },
  { name: 'Dense without bias on rank 3', inputs: [[4, 5]], layers: () => [L.dense({ units: 3, useBias: false })], ops: ['FULLY_CONNECTED'] },
  { name: 'Conv2D valid', inputs: [[7, 6, 3]], layers: () => [conv()], ops: ['CONV_2D'] },
  { name: 'Conv2D same stride 2', inputs: [[7, 8, 3]], layers: () => [conv({ padding: 'same', strides: 2 })], ops: ['CONV_2D'] },
  { name: 'Conv2D dilated', inputs: [[9, 9, 2]], layers: () => [conv({ padding: 'same', dilationRate: 2 })], ops: ['CONV_2D'] },
  { name: 'Conv2D relu (fused)', inputs: [[6, 6, 2]], layers: () => [conv({ activation: 'relu' })], ops: ['CONV_2D'] },
  { name: 'DepthwiseConv2D', inputs: [[7, 7, 3]], layers: () => [L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2 })], ops: ['DEPTHWISE_CONV_2D'] },
  { name: 'SeparableConv2D', inputs: [[8, 8, 3]], layers: () => [L.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 2 })], ops: ['DEPTHWISE_CONV_2D', 'CONV_2D'] },
  { name: 'Conv2DTranspose same', inputs: [[4, 5, 3]], layers: () => [L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' })], ops: ['TRANSPOSE_CONV'] },
  { name: 'Conv2DTranspose valid', inputs: [[4, 4, 2]], layers: () => [L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2 })], ops: ['TRANSPOSE_CONV'] },
  { name: 'MaxPooling2D same', inputs: [[7, 7, 2]], layers: () => [L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })], ops: ['MAX_POOL_2D'] },
  { name: 'AveragePooling2D valid', inputs: [[8, 6, 2]], layers: () => [L.averagePooling2d({ poolSize: 2 })], ops: ['AVERAGE_POOL_2D'] },
  { name: 'AveragePooling2D same', inputs: [[7, 7, 2]], layers: () => [L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })], ops: ['AVERAGE_POOL_2D'] },
  { name: 'GlobalAveragePooling2D', inputs: [[5, 4, 3]], layers: () => [L.globalAveragePooling2d({})], ops: ['MEAN'] },
  { name: 'GlobalMaxPooling2D', inputs: [[5, 4, 3]], layers: () => [L.globalMaxPooling2d({})], ops: ['REDUCE_MAX'] },
  { name: 'Flatten', inputs: [[3, 4, 2]], layers: () => [conv({ filters: 2, kernelSize: 1 }), L.flatten()], ops: ['CONV_2D', 'RESHAPE'] },
  { name: 'Reshape', inputs: [[12]], layers: () => [L.reshape({ targetShape: [3, 4] }), L.dense({ units: 2 })], ops: ['RESHAPE', 'FULLY_CONNECTED'] },
  { name: 'Reshape with -1', inputs: [[2, 6]], layers: () => [L.reshape({ targetShape: [-1, 3] })], ops: ['RESHAPE'] },
  { name: 'Permute', inputs: [[2, 3, 4]], layers: () => [L.permute({ dims: [3, 1, 2] })], ops: ['TRANSPOSE'] },
  { name: 'Dropout and SpatialDropout1D', inputs: [[4, 3]], layers: () => [L.dropout({ rate: 0.5 }), L.spatialDropout1d({ rate: 0.3 }), L.dense({ units: 2 })], ops: ['FULLY_CONNECTED'] },
  { name: 'BatchNormalization after Conv2D (folded)', inputs: [[6, 6, 3]], layers: () => [conv({ padding: 'same' }), L.batchNormalization({})], ops: ['CONV_2D'] },
  { name: 'BatchNormalization alone', inputs: [[4, 4, 3]], layers: () => [L.batchNormalization({ epsilon: 0.01 })], ops: ['MUL', 'ADD'] },
  { name: 'BatchNormalization after DepthwiseConv2D and Dense', inputs: [[5, 5, 2]], layers: () => [L.depthwiseConv2d({ kernelSize: 3 }), L.batchNormalization({}), L.flatten(), L.dense({ units: 3 }), L.batchNormalization({})], ops: ['DEPTHWISE_CONV_2D', 'RESHAPE', 'FULLY_CONNECTED'] },
  { name: 'Activation layer relu6', inputs: [[5]], layers: () => [L.activation({ activation: 'relu6' })], range: [-8, 8], ops: ['RELU6'] },
  { name: 'ReLU', inputs: [[5]], layers: () => [L.reLU({})], ops: ['RELU'] },
  { name: 'ReLU max_value 6', inputs: [[5]], layers: () => [L.reLU({ maxValue: 6 })], range: [-8, 8], ops: ['RELU6'] },
  { name: 'ReLU max_value 2.5', inputs: [[5]], layers: () => [L.reLU({ maxValue: 2.5 })], ops: ['RELU', 'MINIMUM'] },
  { name: 'LeakyReLU', inputs: [[6]], layers: () => [L.leakyReLU({ alpha: 0.15 })], ops: ['LEAKY_RELU'] },
  { name: 'PReLU shared axes', inputs: [[3, 3, 2]], layers: () => [L.prelu({ sharedAxes: [1, 2] })], ops: ['PRELU'] },
  { name: 'PReLU full', inputs: [[4, 3]], layers: () => [L.prelu({})], ops: ['PRELU'] },
  // tfjs' ELU layer only takes alpha 1 (alpha != 1 is covered by selu's path).
  { name: 'ELU layer', inputs: [[6]], layers: () => [L.elu({})], ops: ['ELU'] },
  { name: 'Softmax layer', inputs: [[6]], layers: () => [L.softmax({})], ops: ['SOFTMAX'] },
  { name: 'ZeroPadding2D', inputs: [[3, 4, 2]], layers: () => [L.zeroPadding2d({ padding: [[1, 2], [0, 3]] })], ops: ['PAD'] },
  { name: 'Cropping2D', inputs: [[6, 7, 2]], layers: () => [L.cropping2D({ cropping: [[1, 2], [2, 1]] })], ops: ['SLICE'] },
  { name: 'UpSampling2D nearest', inputs: [[3, 4, 2]], layers: () => [L.upSampling2d({ size: [2, 3] })], ops: ['RESIZE_NEAREST_NEIGHBOR'] },
  { name: 'UpSampling2D bilinear', inputs: [[3, 4, 2]], layers: () => [L.upSampling2d({ size: [2, 2], interpolation: 'bilinear' })], ops: ['RESIZE_BILINEAR'] },
  { name: 'Rescaling', inputs: [[4]], layers: () => [L.rescaling({ scale: 1 / 127.5, offset: -1 })], range: [0, 255], ops: ['MUL', 'ADD'] },
  ...(['add', 'multiply', 'average', 'maximum', 'minimum'] as const).map((merge): Case => ({
    name: `merge ${merge}`,
    inputs: [[3, 3, 2], [3, 3, 2]],
    body: ([a, b]) => (L[merge]({}) as tf.layers.Layer).apply([a!, b!]) as tf.SymbolicTensor,
  })),
  {
    name: 'Add of three with broadcast-free residual (fused relu)',
    inputs: [[4, 4, 3]],
    body: ([x]) => {
      const c = conv({ filters: 3, padding: 'same' }).apply(x!) as tf.SymbolicTensor;
      const d = L.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(x!) as tf.SymbolicTensor;
      const s = L.add({}).apply([x!, c, d]) as tf.SymbolicTensor;
      return L.reLU({}).apply(s) as tf.SymbolicTensor;
    },
    ops: ['CONV_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'ADD'],
  },
  {
    name: 'Concatenate (negative axis) and two outputs',
    inputs: [[3, 3, 2], [3, 3, 4]],
    body: ([a, b]) => {
      const cat = L.concatenate({ axis: -1 }).apply([a!, b!]) as tf.SymbolicTensor;
      return [cat, L.globalAveragePooling2d({}).apply(cat) as tf.SymbolicTensor];
    },
    ops: ['CONCATENATION', 'MEAN'],
  },
  {
    name: 'Concatenate on axis 1',
    inputs: [[2, 3], [4, 3]],
    body: ([a, b]) => L.concatenate({ axis: 1 }).apply([a!, b!]) as tf.SymbolicTensor,
    ops: ['CONCATENATION'],
  },
  {
    name: 'shared layer applied twice',
    inputs: [[5], [5]],
    body: ([a, b]) => {
      const shared = L.dense({ units: 4, activation: 'tanh' });
      return L.add({}).apply([shared.apply(a!) as tf.SymbolicTensor, shared.apply(b!) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    },
  },
  {
    name: 'MobileNet-style block (pad, strided conv, BN, ReLU6, depthwise, residual, GAP, dropout, softmax)',
    inputs: [[9, 9, 3]],
    body: ([x]) => {
      const apply = (layer: tf.layers.Layer, t: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(t) as tf.SymbolicTensor;
      let y = apply(L.zeroPadding2d({ padding: [[0, 1], [0, 1]] }), x!);
      y = apply(L.reLU({ maxValue: 6 }), apply(L.batchNormalization({}), apply(conv({ filters: 6, strides: 2, useBias: false }), y)));
      const branch = apply(L.reLU({ maxValue: 6 }), apply(L.batchNormalization({}), apply(L.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }), y)));
      const projected = apply(L.batchNormalization({}), apply(conv({ filters: 6, kernelSize: 1, useBias: false }), branch));
      y = apply(L.add({}), [y, projected]);
      y = apply(L.dropout({ rate: 0.2 }), apply(L.globalAveragePooling2d({}), y));
      return apply(L.dense({ units: 4, activation: 'softmax' }), y);
    },
    ops: ['PAD', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'ADD', 'MEAN', 'FULLY_CONNECTED', 'SOFTMAX'],
  },
  ...['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'mish',
    'hardSigmoid', 'gelu', 'gelu_new', 'logSoftmax'].map(activation),
];

/** Sets every weight to seeded values (variances positive), so runs are reproducible and BN is non-trivial. */
function seedWeights(model: tf.LayersModel, seed: number): void {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    const values = layer.getWeights().map((w, i) => {
      const name = layer.weights[i]!.originalName;
      const n = w.size;
      const data = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        const u = rng();
        data[k] = /variance/.test(name) ? 0.5 + u : /gamma/.test(name) ? 0.5 + u : u * 2 - 1;
      }
      return tf.tensor(data, w.shape);
    });
    if (values.length > 0) layer.setWeights(values);
  }
}

function buildModel(c: Case): tf.LayersModel {
  const inputs = c.inputs.map((shape, i) => tf.input({ shape, name: `input_${i}` }));
  let outputs: tf.SymbolicTensor | tf.SymbolicTensor[];
  if (c.layers) {
    outputs = c.layers().reduce<tf.SymbolicTensor>((x, layer) => layer.apply(x) as tf.SymbolicTensor, inputs[0]!);
  } else {
    outputs = c.body!(inputs);
  }
  return tf.model({ inputs, outputs });
}

async function runGraph(graph: Graph, inputs: TensorValue[]): Promise<TensorValue[]> {
  const outputs = await runLiteRt(writeModel(graph), inputs);
  // LiteRT returns signature outputs, possibly sorted by name: put them back in model order.
  const order = graph.signatures[0]!.outputs.map((o) => o.name);
  return order.map((name) => outputs.find((o) => o.name === name) ?? outputs[order.indexOf(name)]!);
}

const measured: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  if (process.env.BORDE_REPORT === '1') console.log(measured.join('\n'));
});

describe('importLayersModel against tfjs model.predict in LiteRT', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, index) => {
    const model = buildModel(c);
    seedWeights(model, 1000 + index);
    const artifacts = await artifactsFromLayersModel(model);
    const imported = importLayersModel(artifacts);
    const optimized = optimize(imported);
    const ops = optimized.subgraphs[0]!.operators.map((o) => o.opcode);
    if (c.ops) expect(isSubsequence(c.ops, ops), `ops ${ops.join(' ')} lack ${c.ops.join(' ')}`).toBe(true);

    const [lo, hi] = c.range ?? [-3, 3];
    const inputs = c.inputs.map((shape, i) =>
      seededTensor({ dtype: 'float32', shape: [1, ...shape], range: [lo, hi] }, 7 * index + i));
    const predicted = model.predict(inputs.map((t) => tf.tensor(t.data as Float32Array, t.shape as number[]))) as tf.Tensor | tf.Tensor[];
    const expected: TensorValue[] = (Array.isArray(predicted) ? predicted : [predicted]).map((t) => ({
      dtype: 'float32', shape: t.shape, data: t.dataSync() as Float32Array,
    }));

    for (const [label, graph] of [['imported', imported], ['optimized', optimized]] as const) {
      const actual = await runGraph(graph, inputs);
      actual.forEach((a, i) => {
        const cmp = compareTensors({ ...a, name: `${c.name} output ${i}` }, expected[i]!);
        if (label === 'optimized') measured.push(`${c.name}\tmaxAbs ${cmp.maxAbsError.toExponential(2)}\tmaxRel ${cmp.maxRelError.toExponential(2)}\t${ops.join(' ')}`);
        expect(cmp.maxRelError, `${label} ${c.name} output ${i}: max abs ${cmp.maxAbsError}, range ${cmp.range}`).toBeLessThanOrEqual(1e-4);
      });
    }
    model.dispose();
  });
});

function isSubsequence(needle: string[], hay: string[]): boolean {
  let j = 0;
  for (const op of hay) if (op === needle[j]) j++;
  return j === needle.length;
}

async function predictInLiteRt(graph: Graph, model: tf.LayersModel, shapes: Shape[], seed: number) {
  const inputs = shapes.map((shape, i) => seededTensor({ dtype: 'float32', shape: [1, ...shape], range: [-2, 2] }, seed + i));
  const predicted = model.predict(inputs.map((t) => tf.tensor(t.data as Float32Array, t.shape as number[]))) as tf.Tensor;
  const expected: TensorValue = { dtype: 'float32', shape: predicted.shape, data: predicted.dataSync() as Float32Array };
  const [actual] = await runGraph(optimize(graph), inputs);
  return { inputs, expected, actual: actual! };
}

describe('importLayersModel topologies and weights', () => {
  it('imports a tf.sequential model (input shape on the first layer) with tensors named after its layers', async () => {
    const model = tf.sequential({
      layers: [
        L.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, name: 'conv1' }),
        L.batchNormalization({ name: 'bn1' }),
        L.reLU({ name: 'relu1' }),
        L.flatten({ name: 'flat' }),
        L.dense({ units: 4, activation: 'softmax', name: 'probs' }),
      ],
    });
    seedWeights(model, 5);
    const graph = importLayersModel(await artifactsFromLayersModel(model));
    const names = graph.subgraphs[0]!.tensors.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['conv1_input', 'conv1', 'conv1/kernel', 'bn1', 'relu1', 'flat', 'probs']));
    expect(graph.signatures[0]!.outputs.map((o) => o.name)).toEqual(['probs']);
    expect(graph.subgraphs[0]!.tensors[graph.subgraphs[0]!.inputs[0]!]!.shapeSignature).toEqual([-1, 6, 6, 2]);
    const optimizedOps = optimize(graph).subgraphs[0]!.operators.map((o) => o.opcode);
    expect(optimizedOps).toEqual(['CONV_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
    const { actual, expected } = await predictInLiteRt(graph, model, [[6, 6, 2]], 11);
    expect(compareTensors(actual, expected).maxRelError).toBeLessThanOrEqual(1e-4);
  });

  it('reads Keras 3 inbound nodes ({args, kwargs} with keras_history) like Keras 2 lists', async () => {
    const a = tf.input({ shape: [4], name: 'a' });
    const b = tf.input({ shape: [4], name: 'b' });
    const sum = L.add({ name: 'sum' }).apply([L.dense({ units: 4, name: 'd' }).apply(a) as tf.SymbolicTensor, b]);
    const model = tf.model({ inputs: [a, b], outputs: sum as tf.SymbolicTensor });
    const artifacts = await artifactsFromLayersModel(model);
    const keras2 = importLayersModel(artifacts);
    const topology = structuredClone(artifacts.modelJson.modelTopology) as { config: { layers: { inbound_nodes: unknown[] }[] } };
    for (const layer of topology.config.layers) {
      layer.inbound_nodes = (layer.inbound_nodes as [string, number, number][][]).map((node) => ({
        args: [node.map(([name, n, t]) => ({ class_name: '__keras_tensor__', config: { keras_history: [name, n, t] } }))],
        kwargs: {},
      }));
    }
    const keras3 = importLayersModel({ ...artifacts, modelJson: { ...artifacts.modelJson, modelTopology: topology } });
    expect(keras3.subgraphs[0]!.operators).toEqual(keras2.subgraphs[0]!.operators);
  });

  it('imports Subtract (a Keras layer tfjs lacks) as SUB', async () => {
    const a = tf.input({ shape: [3], name: 'a' });
    const b = tf.input({ shape: [3], name: 'b' });
    const model = tf.model({ inputs: [a, b], outputs: L.add({ name: 'diff' }).apply([a, b]) as tf.SymbolicTensor });
    const artifacts = await artifactsFromLayersModel(model);
    const topology = artifacts.modelJson.modelTopology as { config: { layers: { class_name: string }[] } };
    topology.config.layers[2]!.class_name = 'Subtract';
    const graph = importLayersModel(artifacts);
    expect(graph.subgraphs[0]!.operators.map((o) => o.opcode)).toEqual(['SUB']);
    const x = seededTensor({ dtype: 'float32', shape: [1, 3] }, 1);
    const y = seededTensor({ dtype: 'float32', shape: [1, 3] }, 2);
    const [out] = await runGraph(graph, [x, y]);
    const want = Float32Array.from(x.data as Float32Array, (v, i) => v - (y.data as Float32Array)[i]!);
    expect(Array.from(out!.data as Float32Array)).toEqual(Array.from(want));
  });

  it.each([
    ['float16', { dtype: 'float16' as const }],
    ['uint8', { dtype: 'uint8' as const }],
    ['uint16', { dtype: 'uint16' as const }],
  ])('dequantizes %s weight manifests as tfjs does', async (_name, quantization) => {
    const model = tf.sequential({
      layers: [
        L.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, name: 'conv' }),
        L.flatten({}),
        L.dense({ units: 2, name: 'fc' }),
      ],
    });
    seedWeights(model, 21);
    const artifacts = await artifactsFromLayersModel(model);
    const quantized = quantizeArtifacts(artifacts, quantization.dtype);
    // The truth: tfjs itself loading the same quantized weights.
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: quantized.modelJson.modelTopology as object,
      weightSpecs: quantized.weightSpecs,
      weightData: quantized.weightData,
    }));
    const decoded = decodeTfjsWeights(quantized);
    expect(decoded.get('conv/kernel')!.dtype).toBe('float32');
    const graph = importLayersModel(quantized);
    const { actual, expected } = await predictInLiteRt(graph, reloaded, [[5, 5, 2]], 3);
    expect(compareTensors(actual, expected).maxRelError).toBeLessThanOrEqual(1e-4);
  });

  it('names every unsupported layer at once, channels_first included', async () => {
    const input = tf.input({ shape: [8, 8, 3], name: 'img' });
    let x = L.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', name: 'cf_conv' }).apply(input) as tf.SymbolicTensor;
    x = L.thresholdedReLU({ name: 'thresh' }).apply(x) as tf.SymbolicTensor;
    x = L.reshape({ targetShape: [-1, 2], name: 'to_seq' }).apply(x) as tf.SymbolicTensor;
    x = L.conv1d({ filters: 2, kernelSize: 1, name: 'c1d' }).apply(x) as tf.SymbolicTensor;
    x = L.dense({ units: 2, activation: 'softsign', name: 'fine' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    const artifacts = await artifactsFromLayersModel(model);
    let error: unknown;
    try {
      importLayersModel(artifacts);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    const items = (error as UnsupportedOpsError).items;
    expect(items).toEqual([
      { name: 'cf_conv', type: 'Conv2D', detail: 'channels_first (only channels_last is supported)' },
      { name: 'thresh', type: 'ThresholdedReLU' },
      { name: 'c1d', type: 'Conv1D' },
    ]);
    expect((error as Error).message).toMatch(/cf_conv \(Conv2D\): channels_first[\s\S]*thresh \(ThresholdedReLU\)[\s\S]*c1d \(Conv1D\)/);
  });
});

/** Re-encodes the float32 weights as tfjs' converter would with --quantize_{float16,uint8,uint16}. */
function quantizeArtifacts(artifacts: Awaited<ReturnType<typeof artifactsFromLayersModel>>, dtype: 'float16' | 'uint8' | 'uint16') {
  const decoded = decodeTfjsWeights(artifacts);
  const parts: Uint8Array[] = [];
  const weightSpecs = artifacts.weightSpecs.map((spec) => {
    const values = decoded.get(spec.name)!.values as Float32Array;
    if (dtype === 'float16') {
      const bits = encodeFloat16(values);
      parts.push(new Uint8Array(bits.buffer));
      return { ...spec, quantization: { dtype } };
    }
    const levels = dtype === 'uint8' ? 255 : 65535;
    const min = Math.min(...values);
    const max = Math.max(...values);
    const scale = (max - min) / levels || 1;
    const levelsOf = Array.from(values, (v) => Math.round((v - min) / scale));
    const q = dtype === 'uint8' ? Uint8Array.from(levelsOf) : Uint16Array.from(levelsOf);
    parts.push(new Uint8Array(q.buffer));
    return { ...spec, quantization: { dtype, scale, min } };
  });
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
  return { ...artifacts, weightSpecs, weightData: data.buffer };
}

describe('loadTfjsArtifacts', () => {
  it('reads model.json and its shards from a folder, and names a missing shard', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const model = tf.sequential({ layers: [L.dense({ inputShape: [3], units: 2, name: 'fc' })] });
    const artifacts = await artifactsFromLayersModel(model);
    const dir = await mkdtemp(join(tmpdir(), 'borde-tfjs-'));
    try {
      const bytes = new Uint8Array(artifacts.weightData);
      await writeFile(join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, 8));
      await writeFile(join(dir, 'group1-shard2of2.bin'), bytes.subarray(8));
      const json = { ...artifacts.modelJson, weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: artifacts.weightSpecs }] };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      const loaded = await loadTfjsArtifacts(dir);
      expect(new Uint8Array(loaded.weightData)).toEqual(bytes);
      expect(importLayersModel(loaded)).toEqual(importLayersModel(artifacts));
      await rm(join(dir, 'group1-shard2of2.bin'));
      await expect(loadTfjsArtifacts(join(dir, 'model.json'))).rejects.toThrow(/group1-shard2of2\.bin.*missing/);
      await expect(loadTfjsArtifacts(join(dir, 'nope'))).rejects.toBeInstanceOf(InvalidSourceError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
