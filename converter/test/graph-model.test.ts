import * as tf from '@tensorflow/tfjs';
import { writeModel, type Graph } from '@borde/tflite';
import { compareTensors, runLiteRt, seededTensor, type HarnessTensor } from '@borde/test/harness';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedOpsError } from '../src/errors.js';
import { importGraphModel } from '../src/importers/graph-model.js';
import { calibrate } from '../src/quantize/calibrate.js';
import { quantizeInt8 } from '../src/quantize/quantize-int8.js';
import type { TfjsArtifacts } from '../src/importers/tfjs-artifacts.js';

// Each case writes a small TensorFlow graph-model by hand (NodeDefs + weights, as tfjs-converter
// stores them), runs it in tfjs' own graph executor (tf.loadGraphModel), imports it, writes the .tflite,
// runs that in LiteRT on the same seeded inputs, and compares.

import { b, f, FLOAT, GraphFixture, i, INT, ints, s, strs, type Attr } from './support/graph-fixture.js';

interface Case {
  fixture: GraphFixture;
  inputs: { name: string; shape: number[]; range?: [number, number] }[];
  outputs: string[];
}

interface CaseResult {
  graph: Graph;
  errors: { name: string; maxAbsError: number; maxRelError: number }[];
}

/** Runs the fixture in tfjs' graph executor and, imported, in LiteRT; returns the error figures. */
async function check(c: Case): Promise<CaseResult> {
  const artifacts = await c.fixture.artifacts();
  const feeds = c.inputs.map((input, k) => seededTensor({ dtype: 'float32', shape: input.shape, range: input.range ?? [-1, 1] }, 7 + k));
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: artifacts.modelJson.modelTopology as object, weightSpecs: artifacts.weightSpecs,
    weightData: artifacts.weightData, format: 'graph-model',
  }));
  const feedMap: Record<string, tf.Tensor> = {};
  c.inputs.forEach((input, k) => { feedMap[input.name] = tf.tensor(feeds[k]!.data as Float32Array, input.shape); });
  // executeAsync: NonMaxSuppression and Where only have asynchronous tfjs kernels.
  const reference = await model.executeAsync(feedMap, c.outputs);
  const expected: HarnessTensor[] = (Array.isArray(reference) ? reference : [reference]).map((t, k) => ({
    dtype: t.dtype as 'float32' | 'int32' | 'bool', shape: t.shape,
    // (typed by dtype: tfjs' cpu Cast int32 -> float32 keeps an Int32Array under the float32 label)
    data: t.dtype === 'bool' ? Uint8Array.from(t.dataSync()) : t.dtype === 'int32' ? Int32Array.from(t.dataSync()) : Float32Array.from(t.dataSync()),
    name: c.outputs[k],
  }));

  const graph = importGraphModel(artifacts, { outputs: c.outputs });
  const actual = await runLiteRt(writeModel(graph), feeds);
  const errors = expected.map((e, k) => {
    const cmp = compareTensors(actual[k]!, e, c.outputs[k]);
    return { name: cmp.name, maxAbsError: cmp.maxAbsError, maxRelError: cmp.maxRelError };
  });
  return { graph, errors };
}

const opcodes = (g: Graph): string[] => g.subgraphs[0]!.operators.map((o) => o.opcode);
const measured: string[] = [];

/** float32 end to end: the interpreter's kernels differ from tfjs' only in summation order. */
function expectClose(name: string, r: CaseResult, rtol = 1e-5): void {
  for (const e of r.errors) {
    measured.push(`${name}: max abs ${e.maxAbsError.toExponential(2)}, rel ${e.maxRelError.toExponential(2)}`);
    expect(e.maxRelError, `${name} / ${e.name}`).toBeLessThanOrEqual(rtol);
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('importGraphModel against the tfjs graph executor and LiteRT', () => {
  it('Conv2D + BiasAdd + Relu, dilated Conv2D, and _FusedConv2D with every activation', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 9, 9, 3]);
    const conv = g.op('conv', 'Conv2D', [x, g.random('w', [3, 3, 3, 4])], { strides: ints([1, 1, 1, 1]), padding: s('SAME'), data_format: s('NHWC') });
    const relu = g.op('relu', 'Relu', [g.op('biasadd', 'BiasAdd', [conv, g.random('bias', [4])])]);
    const dilated = g.op('dilated', 'Conv2D', [relu, g.random('wd', [3, 3, 4, 5])], { strides: ints([1, 1, 1, 1]), padding: s('SAME'), dilations: ints([1, 2, 2, 1]) });
    const outputs = [dilated];
    // (Tanh: tfjs' cpu backend has no fused tanh; it is checked against the unfused graph below.)
    for (const [k, act] of ['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Sigmoid', 'Prelu'].entries()) {
      const args = [g.random(`fb${k}`, [4])];
      if (act === 'Prelu') args.push(g.random(`alpha${k}`, [4], 0, 0.5));
      outputs.push(g.op(`fused_${act}`, '_FusedConv2D', [relu, g.random(`fw${k}`, [2, 2, 4, 4]), ...args], {
        strides: ints([1, 2, 2, 1]), padding: s(k % 2 ? 'SAME' : 'VALID'), fused_ops: strs(['BiasAdd', act]),
        num_args: i(args.length), leakyrelu_alpha: f(0.15),
      }));
    }
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [1, 9, 9, 3] }], outputs });
    expectClose('conv2d', r);
    const ops = opcodes(r.graph);
    expect(ops.filter((o) => o === 'CONV_2D')).toHaveLength(8);
    for (const op of ['ELU', 'LEAKY_RELU', 'LOGISTIC', 'PRELU']) expect(ops).toContain(op);
    // Relu/Relu6 are fused into the conv; TFLite filters are [out, kh, kw, in].
    expect(ops).not.toContain('RELU6');
    const filter = r.graph.subgraphs[0]!.tensors.find((t) => t.name === 'wd')!;
    expect(filter.shape).toEqual([5, 3, 3, 4]);
  });

  it('_FusedConv2D with FusedBatchNorm (folded into the filter) and with Tanh, against the unfused graph', async () => {
    // tfjs cannot execute these two fusions, so the judge is the same computation written unfused.
    const build = (fused: boolean, post: 'FusedBatchNorm' | 'BiasAdd'): GraphFixture => {
      const g = new GraphFixture();
      const x = g.placeholder('x', [1, 6, 6, 3]);
      const args = post === 'FusedBatchNorm'
        ? [g.random('scale', [4]), g.random('offset', [4]), g.random('mean', [4]), g.random('var', [4], 0.1, 2)]
        : [g.random('b', [4])];
      const w = g.random('w', [3, 3, 3, 4]);
      const attrs = { strides: ints([1, 1, 1, 1]), padding: s('SAME') };
      const act = post === 'FusedBatchNorm' ? 'Relu' : 'Tanh';
      if (fused) {
        g.op('y', '_FusedConv2D', [x, w, ...args], { ...attrs, fused_ops: strs([post, act]), num_args: i(args.length), epsilon: f(0.001) });
      } else {
        const conv = g.op('conv', 'Conv2D', [x, w], attrs);
        const pre = post === 'FusedBatchNorm'
          ? g.op('bn', 'FusedBatchNormV3', [conv, ...args], { epsilon: f(0.001), is_training: b(false), data_format: s('NHWC') })
          : g.op('biasadd', 'BiasAdd', [conv, ...args]);
        g.op('y', act, [pre]);
      }
      return g;
    };
    const feed = seededTensor({ dtype: 'float32', shape: [1, 6, 6, 3] }, 3);
    for (const post of ['FusedBatchNorm', 'BiasAdd'] as const) {
      const reference = await build(false, post).artifacts();
      const tfModel = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: reference.modelJson.modelTopology as object, weightSpecs: reference.weightSpecs, weightData: reference.weightData, format: 'graph-model' }));
      const expected = (tfModel.execute({ x: tf.tensor(feed.data as Float32Array, [1, 6, 6, 3]) }, 'y') as tf.Tensor).dataSync() as Float32Array;
      for (const fused of [true, false]) {
        const graph = importGraphModel(await build(fused, post).artifacts(), { outputs: ['y'] });
        const [out] = await runLiteRt(writeModel(graph), [feed]);
        const cmp = compareTensors(out!, { dtype: 'float32', shape: [1, 6, 6, 4], data: expected });
        measured.push(`conv ${post} (${fused ? '_FusedConv2D' : 'unfused'}): max abs ${cmp.maxAbsError.toExponential(2)}, rel ${cmp.maxRelError.toExponential(2)}`);
        expect(cmp.maxRelError).toBeLessThan(1e-5);
        if (fused) expect(opcodes(graph)).toEqual(post === 'BiasAdd' ? ['CONV_2D', 'TANH'] : ['CONV_2D']);
      }
    }
  });

  it('DepthwiseConv2dNative (multiplier 2) and FusedDepthwiseConv2dNative', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 8, 8, 3]);
    const dw = g.op('dw', 'DepthwiseConv2dNative', [x, g.random('dw_w', [3, 3, 3, 2])], { strides: ints([1, 2, 2, 1]), padding: s('SAME') });
    const fused = g.op('fdw', 'FusedDepthwiseConv2dNative', [dw, g.random('fdw_w', [3, 3, 6, 1]), g.random('fdw_b', [6])], {
      strides: ints([1, 1, 1, 1]), padding: s('VALID'), fused_ops: strs(['BiasAdd', 'Relu6']), num_args: i(1),
    });
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [1, 8, 8, 3] }], outputs: [dw, fused] });
    expectClose('depthwise', r);
    expect(opcodes(r.graph)).toEqual(['DEPTHWISE_CONV_2D', 'DEPTHWISE_CONV_2D']);
    expect(r.graph.subgraphs[0]!.tensors.find((t) => t.name === 'dw_w')!.shape).toEqual([1, 3, 3, 6]);
  });

  it('MatMul (transpose_b), _FusedMatMul, and MatMul of two activations', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [2, 6]);
    const m1 = g.op('m1', 'MatMul', [x, g.random('w1', [6, 5])], { transpose_a: b(false), transpose_b: b(false) });
    const m2 = g.op('m2', 'MatMul', [x, g.random('w2', [4, 6])], { transpose_b: b(true) });
    const fm = g.op('fm', '_FusedMatMul', [m1, g.random('w3', [5, 3]), g.random('b3', [3])], { fused_ops: strs(['BiasAdd', 'Relu']), num_args: i(1) });
    const fs = g.op('fs', '_FusedMatMul', [m1, g.random('w4', [5, 3]), g.random('b4', [3])], { fused_ops: strs(['BiasAdd', 'Sigmoid']), num_args: i(1) });
    const mm = g.op('mm', 'MatMul', [m1, m1], { transpose_a: b(true) });
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [2, 6] }], outputs: [m2, fm, fs, mm] });
    expectClose('matmul', r);
    const ops = opcodes(r.graph);
    expect(ops.filter((o) => o === 'FULLY_CONNECTED')).toHaveLength(4);
    expect(ops).toContain('BATCH_MATMUL');
    expect(r.graph.subgraphs[0]!.tensors.find((t) => t.name === 'w1')!.shape).toEqual([5, 6]);
    expect(r.graph.subgraphs[0]!.tensors.find((t) => t.name === 'w2')!.shape).toEqual([4, 6]);
  });

  it('element-wise arithmetic with broadcasting, activations, Rsqrt/Square, Softmax', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 4, 4, 3]);
    const y = g.placeholder('y', [1, 1, 4, 3]);
    const c = g.random('c', [3], 0.5, 2);
    const outs = [
      g.op('add', 'AddV2', [x, y]), g.op('add1', 'Add', [x, c]), g.op('sub', 'Sub', [c, x]), g.op('mul', 'Mul', [x, y]),
      g.op('div', 'RealDiv', [x, c]), g.op('max', 'Maximum', [x, y]), g.op('min', 'Minimum', [x, c]),
      g.op('rsqrt', 'Rsqrt', [g.op('sq1', 'AddV2', [g.op('sq', 'Square', [x]), c])]),
      g.op('relu', 'Relu', [x]), g.op('relu6', 'Relu6', [g.op('x8', 'Mul', [x, g.random('eight', [], 8, 8)])]),
      g.op('elu', 'Elu', [x]), g.op('leaky', 'LeakyRelu', [x], { alpha: f(0.3) }), g.op('sigmoid', 'Sigmoid', [x]),
      g.op('tanh', 'Tanh', [x]), g.op('softmax', 'Softmax', [x]),
    ];
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [1, 4, 4, 3] }, { name: 'y', shape: [1, 1, 4, 3] }], outputs: outs });
    expectClose('elementwise', r);
    for (const op of ['ADD', 'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'RSQRT', 'SQUARE', 'RELU', 'RELU6', 'ELU', 'LEAKY_RELU', 'LOGISTIC', 'TANH', 'SOFTMAX']) {
      expect(opcodes(r.graph)).toContain(op);
    }
  });

  it('MaxPool, AvgPool (SAME borders), Mean and Max reductions', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 7, 7, 4]);
    const outs = [
      g.op('maxpool', 'MaxPool', [x], { ksize: ints([1, 3, 3, 1]), strides: ints([1, 2, 2, 1]), padding: s('SAME') }),
      g.op('avgpool', 'AvgPool', [x], { ksize: ints([1, 3, 3, 1]), strides: ints([1, 2, 2, 1]), padding: s('SAME') }),
      g.op('avgvalid', 'AvgPool', [x], { ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: s('VALID') }),
      g.op('mean', 'Mean', [x, g.ints('axes', [1, 2])], { keep_dims: b(false) }),
      g.op('max', 'Max', [x, g.ints('axis', [-1], [])], { keep_dims: b(true) }),
    ];
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [1, 7, 7, 4] }], outputs: outs });
    expectClose('pooling/reduce', r);
    expect(opcodes(r.graph)).toEqual(['MAX_POOL_2D', 'AVERAGE_POOL_2D', 'AVERAGE_POOL_2D', 'MEAN', 'REDUCE_MAX']);
  });

  it('Reshape, Squeeze, ExpandDims, ConcatV2, Transpose, Pack, Pad, PadV2, MirrorPad', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 4, 4, 3]);
    const outs = [
      g.op('reshape', 'Reshape', [x, g.ints('shape', [1, -1, 6])]),
      g.op('squeeze', 'Squeeze', [g.op('mean', 'Mean', [x, g.ints('axes', [1, 2])], { keep_dims: b(true) })], { squeeze_dims: ints([1, 2]) }),
      g.op('expand', 'ExpandDims', [x, g.ints('axis', [-1], [])]),
      g.op('concat', 'ConcatV2', [x, g.random('cc', [1, 4, 4, 2]), x, g.ints('caxis', [-1], [])], { N: i(3) }),
      g.op('transpose', 'Transpose', [x, g.ints('perm', [0, 3, 1, 2])]),
      g.op('pack', 'Pack', [x, x], { axis: i(1), N: i(2) }),
      g.op('pad', 'Pad', [x, g.ints('pads', [0, 0, 1, 2, 2, 1, 0, 0], [4, 2])]),
      g.op('padv2', 'PadV2', [x, g.ints('pads2', [0, 0, 1, 1, 0, 2, 0, 0], [4, 2]), g.random('pv', [], 0.5, 0.5)]),
      g.op('reflect', 'MirrorPad', [x, g.ints('pads3', [0, 0, 2, 1, 1, 2, 0, 0], [4, 2])], { mode: s('REFLECT') }),
      g.op('symmetric', 'MirrorPad', [x, g.ints('pads4', [0, 0, 2, 1, 1, 2, 0, 0], [4, 2])], { mode: s('SYMMETRIC') }),
    ];
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [1, 4, 4, 3] }], outputs: outs });
    expectClose('layout', r, 1e-6);
    for (const op of ['RESHAPE', 'CONCATENATION', 'TRANSPOSE', 'PACK', 'PAD', 'PADV2', 'MIRROR_PAD']) expect(opcodes(r.graph)).toContain(op);
  });

  it('ResizeBilinear and ResizeNearestNeighbor with align_corners / half_pixel_centers', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 5, 4, 2]);
    const size = g.ints('size', [9, 7]);
    const outs = [
      g.op('bilinear', 'ResizeBilinear', [x, size], { align_corners: b(false), half_pixel_centers: b(true) }),
      g.op('bilinear_ac', 'ResizeBilinear', [x, size], { align_corners: b(true), half_pixel_centers: b(false) }),
      g.op('bilinear_plain', 'ResizeBilinear', [x, size]),
      g.op('nearest', 'ResizeNearestNeighbor', [x, g.ints('size2', [10, 8])], { half_pixel_centers: b(true) }),
      g.op('nearest_plain', 'ResizeNearestNeighbor', [x, g.ints('size3', [10, 8])]),
    ];
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [1, 5, 4, 2] }], outputs: outs });
    expectClose('resize', r);
  });

  it('StridedSlice with begin/end/shrink/ellipsis/new-axis masks and negative strides, Slice', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [2, 5, 6, 3]);
    const ss = (name: string, begin: number[], end: number[], strides: number[], masks: Record<string, number>): string =>
      g.op(name, 'StridedSlice', [x, g.ints(`${name}_b`, begin), g.ints(`${name}_e`, end), g.ints(`${name}_s`, strides)],
        Object.fromEntries(Object.entries(masks).map(([k, v]) => [k, i(v)])));
    const outs = [
      ss('plain', [0, 1, 0, 0], [1, 4, 6, 2], [1, 1, 2, 1], {}),
      ss('masked', [1, 1, 0, 0], [0, -1, 0, 0], [1, 2, 1, 1], { begin_mask: 0b1100, end_mask: 0b1101 }),
      ss('shrink', [1, 0, 2, 0], [2, 0, 3, 0], [1, 1, 1, 1], { shrink_axis_mask: 0b0101, end_mask: 0b1010 }),
      ss('reverse', [0, -1, 0, 0], [0, 0, 0, 0], [1, -1, -2, 1], { begin_mask: 0b1101, end_mask: 0b1111 }),
      ss('ellipsis', [0, 1], [0, 2], [1, 1], { ellipsis_mask: 0b01, shrink_axis_mask: 0b10 }),
      ss('newaxis', [0, 0, 1], [0, 0, 3], [1, 1, 1], { ellipsis_mask: 0b010, new_axis_mask: 0b001 }),
      g.op('slice', 'Slice', [x, g.ints('sb', [1, 1, 2, 0]), g.ints('sz', [1, -1, 3, 2])]),
    ];
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [2, 5, 6, 3] }], outputs: outs });
    expectClose('slicing', r, 0);
  });

  it('a constant Cast int32 -> float32 folds to float values (tfjs keeps the int32 array under the float label)', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 6]);
    const limit = g.op('limit', 'Cast', [g.op('n', 'Sub', [g.ints('six', [6], []), g.ints('two', [2], [])], { T: INT })], { SrcT: INT, DstT: FLOAT });
    const inside = g.op('inside', 'Cast', [g.op('le', 'LessEqual', [x, limit])], { SrcT: { type: 'DT_BOOL' }, DstT: FLOAT });
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [1, 6], range: [0, 8] }], outputs: [inside] });
    expectClose('cast fold', r, 0);
    const constant = r.graph.subgraphs[0]!.tensors.find((t) => t.name === 'limit')!;
    expect(Array.from(new Float32Array(constant.data!.slice().buffer))).toEqual([4]);
  });

  it('folds Shape-derived arithmetic into constants (Shape -> StridedSlice -> Pack -> Reshape)', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 3, 4, 2]);
    const shape = g.op('shape', 'Shape', [x], { out_type: INT });
    const batch = g.op('batch', 'StridedSlice', [shape, g.ints('b0', [0]), g.ints('b1', [1]), g.ints('b2', [1])], { shrink_axis_mask: i(1), T: INT });
    const last = g.op('last', 'StridedSlice', [shape, g.ints('l0', [-1]), g.ints('l1', [0]), g.ints('l2', [1])], { shrink_axis_mask: i(1), end_mask: i(1), T: INT });
    const rows = g.op('rows', 'Mul', [g.op('h', 'StridedSlice', [shape, g.ints('h0', [1]), g.ints('h1', [2]), g.ints('h2', [1])], { shrink_axis_mask: i(1), T: INT }), g.ints('three', [1], [])], { T: INT });
    const target = g.op('target', 'Pack', [batch, rows, g.ints('minus1', [-1], []), last], { axis: i(0), N: i(4), T: INT });
    const y = g.op('y', 'Reshape', [x, target]);
    const r = await check({ fixture: g, inputs: [{ name: 'x', shape: [1, 3, 4, 2] }], outputs: [y] });
    expectClose('shape folding', r, 0);
    expect(opcodes(r.graph)).toEqual(['RESHAPE']);
    expect(r.graph.subgraphs[0]!.tensors[r.graph.subgraphs[0]!.outputs[0]!]!.shape).toEqual([1, 3, 4, 2]);
  });

  it('an unknown batch becomes 1; Identity and control inputs are skipped', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [-1, 5]);
    g.nodes.push({ name: 'init', op: 'NoOp', input: [], attr: {} });
    const id = g.op('id', 'Identity', [x, '^init']);
    const y = g.op('y', 'Relu', [id]);
    const artifacts = await g.artifacts();
    const graph = importGraphModel(artifacts, { outputs: [y] });
    expect(graph.subgraphs[0]!.tensors[graph.subgraphs[0]!.inputs[0]!]!.shape).toEqual([1, 5]);
    expect(opcodes(graph)).toEqual(['RELU']);
    const g2 = new GraphFixture();
    g2.placeholder('img', [-1, -1, -1, 3]);
    g2.op('out', 'Relu', ['img']);
    expect(() => importGraphModel({ ...artifacts, modelJson: { ...artifacts.modelJson, modelTopology: { node: g2.nodes } } }))
      .toThrow(/img.*inputShapes/);
  });

  it('lists every unsupported op at once: control flow, NCHW, unknown ops', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 4, 4, 3]);
    const nchw = g.op('conv_nchw', 'Conv2D', [x, g.random('w', [1, 1, 3, 3])], { strides: ints([1, 1, 1, 1]), padding: s('SAME'), data_format: s('NCHW') });
    const list = g.op('list', 'TensorListReserve', [g.ints('es', [-1], []), g.ints('n', [3], [])]);
    const loop = g.op('loop', 'StatelessWhile', [x, list]);
    const odd = g.op('odd', 'Cumprod', [x, g.ints('ax', [1], [])]);
    const y = g.op('y', 'ConcatV2', [nchw, loop, odd, g.ints('axis', [3], [])]);
    const artifacts = await g.artifacts();
    let error: unknown;
    try {
      importGraphModel(artifacts, { outputs: [y] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    const items = (error as UnsupportedOpsError).items;
    expect(items.map((it) => `${it.name}:${it.type}`).sort()).toEqual(
      ['conv_nchw:Conv2D', 'list:TensorListReserve', 'loop:StatelessWhile', 'odd:Cumprod'].sort(),
    );
    expect(items.find((it) => it.name === 'conv_nchw')!.detail).toMatch(/NCHW/);
    expect(items.find((it) => it.name === 'loop')!.detail).toMatch(/control flow/);
    expect((error as Error).message).toMatch(/4 unsupported/);
  });

  // One row per op family: a builder of graph nodes, the inputs, and the TFLite operators it must become.
  interface OpRow {
    name: string;
    inputs: { name: string; shape: number[]; range?: [number, number] }[];
    build: (g: GraphFixture) => string[];
    opcodes: string[];
    /** Operators the row must not produce (a fused pattern left no trace). */
    absent?: string[];
    rtol?: number;
  }
  const x23 = [{ name: 'x', shape: [2, 3, 4] }, { name: 'y', shape: [2, 3, 4] }];
  const conv = (ints4: number[], padding: string) => ({ strides: ints(ints4), padding: s(padding), data_format: s('NHWC'), dilations: ints([1, 1, 1, 1]) });
  const OP_ROWS: OpRow[] = [
    {
      name: 'AddN of three (a chain of ADDs)', inputs: x23, opcodes: ['ADD'],
      build: (g) => [g.op('addn', 'AddN', ['x', 'y', g.random('c', [2, 3, 4])], { N: i(3) })],
    },
    {
      name: 'GatherNd', inputs: x23, opcodes: ['GATHER_ND'],
      build: (g) => [
        g.op('gnd', 'GatherNd', ['x', g.ints('idx', [0, 1, 1, 2, 1, 0], [3, 2])], { Tparams: FLOAT, Tindices: INT }),
        g.op('gnd_full', 'GatherNd', ['y', g.ints('idx3', [1, 2, 3, 0, 0, 0], [2, 3])], { Tparams: FLOAT, Tindices: INT }),
      ],
    },
    {
      name: 'Conv2DBackpropInput SAME and VALID, + BiasAdd', inputs: [{ name: 'x', shape: [1, 3, 4, 2] }], opcodes: ['TRANSPOSE_CONV'],
      build: (g) => [
        g.op('tc_same_b', 'BiasAdd', [g.op('tc_same', 'Conv2DBackpropInput', [g.ints('sz1', [1, 6, 8, 5]), g.random('tw1', [3, 3, 5, 2]), 'x'], conv([1, 2, 2, 1], 'SAME')), g.random('tb', [5])]),
        g.op('tc_valid', 'Conv2DBackpropInput', [g.ints('sz2', [1, 7, 9, 3]), g.random('tw2', [3, 3, 3, 2]), 'x'], conv([1, 2, 2, 1], 'VALID')),
        g.op('tc_s1', 'Conv2DBackpropInput', [g.ints('sz3', [1, 3, 4, 3]), g.random('tw3', [2, 2, 3, 2]), 'x'], conv([1, 1, 1, 1], 'SAME')),
      ],
    },
    {
      name: 'comparisons, logic, Select/SelectV2, Cast, Round', inputs: x23,
      opcodes: ['LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL', 'EQUAL', 'NOT_EQUAL', 'LOGICAL_AND', 'LOGICAL_OR', 'LOGICAL_NOT', 'SELECT', 'SELECT_V2', 'CAST', 'ROUND'],
      build: (g) => {
        const two = g.random('two', [], 2, 2);
        const xr = g.op('xr', 'Round', [g.op('x2', 'Mul', ['x', two])]);
        const yr = g.op('yr', 'Round', [g.op('y2', 'Mul', ['y', two])]);
        const bool = { T: FLOAT };
        const cmp = ['Less', 'LessEqual', 'Greater', 'GreaterEqual', 'Equal', 'NotEqual'].map((op) => g.op(op.toLowerCase(), op, [xr, yr], bool));
        const casts = cmp.map((c) => g.op(`${c}_f`, 'Cast', [c], { SrcT: { type: 'DT_BOOL' }, DstT: FLOAT }));
        const and = g.op('and', 'LogicalAnd', [cmp[0]!, cmp[3]!]);
        const or = g.op('or', 'LogicalOr', [cmp[1]!, cmp[4]!]);
        const not = g.op('not', 'LogicalNot', [or]);
        const rows = g.op('rows', 'Less', [g.op('xs', 'Sum', ['x', g.ints('ax12', [1, 2])], { keep_dims: b(false) }), g.random('zero', [], 0, 0)]);
        return [
          ...casts, and, not,
          // (tfjs cannot run Select with a vector condition, TensorFlow's row form; TFLite SELECT can.)
          g.op('select', 'Select', [g.op('lt', 'Less', ['x', 'y']), 'x', 'y']),
          g.op('any_row', 'Cast', [rows], { SrcT: { type: 'DT_BOOL' }, DstT: FLOAT }),
          g.op('select_v2', 'SelectV2', [g.op('cmp_b', 'Greater', ['x', g.random('thr', [1, 4], -0.5, 0.5)]), 'x', g.random('other', [3, 1])]),
        ];
      },
    },
    {
      name: 'ArgMax/ArgMin, TopKV2, OneHot of a run-time index, Cumsum', inputs: x23, opcodes: ['ARG_MAX', 'ARG_MIN', 'TOPK_V2', 'ONE_HOT', 'CUMSUM'],
      build: (g) => {
        const argmax = g.op('argmax', 'ArgMax', ['x', g.ints('amax_axis', [-1], [])], { output_type: INT });
        const topk = g.op('topk', 'TopKV2', ['y', g.ints('k', [3], [])], { sorted: b(true) });
        return [
          argmax, g.op('argmin', 'ArgMin', ['x', g.ints('amin_axis', [1], [])], { output_type: INT }),
          topk, `${topk}:1`,
          g.op('onehot', 'OneHot', [argmax, g.ints('depth', [4], []), g.random('on', [], 2, 2), g.random('off', [], -1, -1)], { axis: i(-1), TI: INT }),
          g.op('cumsum', 'Cumsum', ['x', g.ints('cs_axis', [1], [])], { exclusive: b(false), reverse: b(false), Tidx: INT }),
          g.op('cumsum_er', 'Cumsum', ['x', g.ints('cs_axis2', [2], [])], { exclusive: b(true), reverse: b(true), Tidx: INT }),
        ];
      },
    },
    {
      name: 'Split, SplitV (with -1), DepthToSpace, Unpack, Tile, Fill with a run-time value', inputs: [{ name: 'x', shape: [1, 2, 3, 8] }],
      opcodes: ['SPLIT', 'SPLIT_V', 'DEPTH_TO_SPACE', 'UNPACK', 'TILE', 'FILL'],
      build: (g) => {
        const split = g.op('split', 'Split', [g.ints('split_axis', [-1], []), 'x'], { num_split: i(4) });
        const splitv = g.op('splitv', 'SplitV', ['x', g.ints('sizes', [2, -1, 3]), g.ints('splitv_axis', [3], [])], { num_split: i(3), Tlen: INT });
        const unpack = g.op('unpack', 'Unpack', ['x'], { num: i(3), axis: i(2) });
        return [split, `${split}:3`, splitv, `${splitv}:1`, `${splitv}:2`, `${unpack}:2`,
          g.op('d2s', 'DepthToSpace', ['x'], { block_size: i(2), data_format: s('NHWC') }),
          g.op('tile', 'Tile', ['x', g.ints('reps', [2, 1, 2, 1])]),
          g.op('fill', 'Fill', [g.ints('dims', [2, 3]), g.op('x_max', 'Max', ['x', g.ints('all_axes', [0, 1, 2, 3])], { keep_dims: b(false) })], { index_type: INT })];
      },
    },
    {
      name: 'Reciprocal, Softplus, Selu (rewritten), Sign, Atan2, SparseToDense and other unary/binary math', inputs: x23,
      opcodes: ['DIV', 'ABS', 'NEG', 'EXP', 'LOG', 'ELU', 'LEAKY_RELU', 'SIGN', 'FLOOR_DIV', 'FLOOR_MOD', 'POW', 'SQUARED_DIFFERENCE', 'SQRT', 'FLOOR', 'ATAN2', 'BROADCAST_TO', 'SPARSE_TO_DENSE'],
      build: (g) => {
        const pos = g.op('pos', 'AddV2', [g.op('absx', 'Abs', ['x']), g.random('half', [], 0.5, 0.5)]);
        const three = g.random('three', [], 3, 3);
        return [
          g.op('recip', 'Reciprocal', [pos]),
          g.op('softplus', 'Softplus', [g.op('x8', 'Mul', ['x', g.random('eight', [], 8, 8)])]),
          g.op('selu', 'Selu', ['x']), g.op('sign', 'Sign', ['x']), g.op('neg', 'Neg', ['y']), g.op('floor', 'Floor', [g.op('y3', 'Mul', ['y', three])]),
          // (tfjs' FloorDiv returns int32 for float operands; TensorFlow's and TFLite's stay float.)
          g.op('floordiv_f', 'Cast', [g.op('floordiv', 'FloorDiv', [g.op('x3', 'Mul', ['x', three]), pos])], { SrcT: FLOAT, DstT: FLOAT }),
          g.op('floormod', 'FloorMod', ['x3', pos]),
          g.op('pow', 'Pow', [pos, 'y']), g.op('sqdiff', 'SquaredDifference', ['x', 'y']), g.op('sqrt', 'Sqrt', [pos]),
          g.op('exp', 'Exp', ['x']), g.op('log', 'Log', [pos]), g.op('atan2', 'Atan2', ['y', 'x']),
          // TFLite's ATAN2 takes one shape only: the [4] operand reaches it through a BROADCAST_TO.
          g.op('atan2_bc', 'Atan2', ['y', g.random('atan2_x', [4], 0.2, 1)]),
          g.op('dense', 'SparseToDense', [g.op('sp_idx', 'Cast', [g.op('sp_floor', 'Floor', [g.op('sp_x', 'Mul', [g.op('sp_pos', 'Abs', [g.op('sp_sl', 'Reshape', [g.op('sp_slice', 'Slice', ['x', g.ints('spb', [0, 0, 0]), g.ints('sps', [1, 1, 3])]), g.ints('sp_shape', [3])])]), g.random('sp_4', [], 4, 4)])])], { SrcT: FLOAT, DstT: INT }),
            g.ints('sp_out', [4]), g.random('sp_vals', [3]), g.random('sp_default', [], 0, 0)], { validate_indices: b(false), Tindices: INT }),
        ];
      },
    },
    {
      name: 'Min, Prod, Sum reductions', inputs: x23, opcodes: ['REDUCE_MIN', 'REDUCE_PROD', 'SUM'],
      build: (g) => [
        g.op('rmin', 'Min', ['x', g.ints('min_axes', [0, 2])], { keep_dims: b(true) }),
        g.op('rprod', 'Prod', ['x', g.ints('prod_axis', [1], [])], { keep_dims: b(false) }),
        g.op('rsum', 'Sum', ['y', g.ints('sum_axis', [-1], [])], { keep_dims: b(false) }),
      ],
    },
    {
      name: 'Einsum two-operand forms and BatchMatMulV2', inputs: [{ name: 'x', shape: [2, 3, 4] }, { name: 'y', shape: [2, 4, 5] }],
      opcodes: ['BATCH_MATMUL', 'FULLY_CONNECTED', 'TRANSPOSE', 'RESHAPE'],
      build: (g) => {
        const eq = (e: string): Record<string, Attr> => ({ equation: s(e), N: i(2) });
        return [
          g.op('bmm', 'Einsum', ['x', 'y'], eq('bij,bjk->bik')),
          g.op('dense', 'Einsum', ['x', g.random('ew', [4, 6])], eq('abc,cd->abd')),
          g.op('dense_t', 'Einsum', ['x', g.random('ew2', [6, 4])], eq('abc,dc->dab')),
          g.op('attn', 'Einsum', ['x', 'x'], eq('bqd,bkd->bqk')),
          g.op('outer', 'Einsum', ['x', 'y'], eq('bij,bjk->bki')),
          // Keras EinsumDense and multi-head attention forms: two contracted axes, batch axes in the middle.
          g.op('dense2', 'Einsum', [g.op('x4', 'Reshape', ['x', g.ints('s4', [2, 3, 2, 2])]), g.random('ew3', [2, 2, 5])], eq('abcd,cde->abe')),
          g.op('attn2', 'Einsum', [g.op('q4', 'Reshape', ['x', g.ints('q4s', [2, 2, 3, 2])]), g.op('k4', 'Reshape', [g.op('xn', 'Neg', ['x']), g.ints('k4s', [2, 2, 3, 2])])], eq('aecd,abcd->acbe')),
          g.op('bmm2', 'BatchMatMulV2', ['y', 'x'], { adj_x: b(true), adj_y: b(true) }),
        ];
      },
    },
    {
      name: 'SpaceToBatchND -> Conv2D -> BatchToSpaceND (TF1 dilated conv), ReverseV2, BroadcastTo', inputs: [{ name: 'x', shape: [1, 6, 6, 3] }],
      opcodes: ['SPACE_TO_BATCH_ND', 'BATCH_TO_SPACE_ND', 'REVERSE_V2', 'BROADCAST_TO'],
      build: (g) => {
        const s2b = g.op('s2b', 'SpaceToBatchND', ['x', g.ints('block', [2, 2]), g.ints('pads', [2, 2, 2, 2], [2, 2])], { Tblock_shape: INT, Tpaddings: INT });
        const c = g.op('dconv', 'Conv2D', [s2b, g.random('dw', [3, 3, 3, 4])], { strides: ints([1, 1, 1, 1]), padding: s('VALID') });
        return [
          g.op('b2s', 'BatchToSpaceND', [c, g.ints('block2', [2, 2]), g.ints('crops', [0, 0, 0, 0], [2, 2])], { Tblock_shape: INT, Tcrops: INT }),
          g.op('rev', 'ReverseV2', ['x', g.ints('rev_axes', [1, -1])], { Tidx: INT }),
          g.op('bcast_x', 'Mul', ['x', g.op('bcast2', 'BroadcastTo', [g.op('xm', 'Mean', ['x', g.ints('mx', [3])], { keep_dims: b(true) }), g.ints('bshape2', [1, 6, 6, 3])], { Tidx: INT })]),
        ];
      },
    },
    {
      name: 'Erf (rewritten), exact GELU spelled in primitives, ClipByValue, Log1p/Expm1, Ceil, Cos, Sin, LogSoftmax, LRN', inputs: [{ name: 'x', shape: [1, 3, 4, 5], range: [-3, 3] }],
      opcodes: ['SIGN', 'EXP', 'GELU', 'MINIMUM', 'MAXIMUM', 'CEIL', 'COS', 'SIN', 'LOG_SOFTMAX', 'LOCAL_RESPONSE_NORMALIZATION'],
      build: (g) => {
        const half = g.random('half', [], 0.5, 0.5);
        const erf = g.op('erf', 'Erf', [g.op('xs', 'Mul', ['x', g.random('rsqrt2', [], Math.SQRT1_2, Math.SQRT1_2)])]);
        const gelu = g.op('gelu', 'Mul', [g.op('halfx', 'Mul', ['x', half]), g.op('onep', 'AddV2', [erf, g.random('one', [], 1, 1)])]);
        const pos = g.op('pos', 'Abs', ['x']);
        return [
          erf, gelu,
          g.op('clip', 'ClipByValue', ['x', g.random('lo', [], -1, -1), g.random('hi', [], 2, 2)]),
          g.op('log1p', 'Log1p', [pos]), g.op('expm1', 'Expm1', ['x']), g.op('ceil', 'Ceil', ['x']),
          g.op('cos', 'Cos', ['x']), g.op('sin', 'Sin', ['x']), g.op('logsoftmax', 'LogSoftmax', ['x']),
          g.op('lrn', 'LRN', ['x'], { depth_radius: i(2), bias: f(1), alpha: f(0.5), beta: f(0.75) }),
        ];
      },
    },
    {
      name: 'GELU (tanh form, Keras association) and hard-swish spelled in primitives become GELU / HARD_SWISH', inputs: [{ name: 'x', shape: [1, 3, 4, 5], range: [-4, 4] }],
      opcodes: ['GELU', 'HARD_SWISH'], absent: ['TANH', 'POW', 'RELU6', 'MUL', 'ADD', 'DIV'],
      build: (g) => {
        const k = (name: string, v: number) => g.random(name, [], v, v);
        const cube = g.op('cube', 'Mul', [k('c044', 0.044715), g.op('pow3', 'Pow', ['x', k('three', 3)])]);
        const inner = g.op('inner', 'Mul', [k('sqrt2pi', Math.sqrt(2 / Math.PI)), g.op('x_cube', 'AddV2', ['x', cube])]);
        const tanhGelu = g.op('gelu_tanh', 'Mul', [g.op('half_x', 'Mul', [k('half', 0.5), 'x']), g.op('one_tanh', 'AddV2', [k('one', 1), g.op('tanh', 'Tanh', [inner])])]);
        const relu6 = g.op('relu6', 'Relu6', [g.op('x3', 'AddV2', ['x', k('three_', 3)])]);
        const hswish = g.op('hswish', 'Mul', [g.op('x_relu6', 'Mul', ['x', relu6]), k('sixth', 1 / 6)]);
        const hswishDiv = g.op('hswish_div', 'RealDiv', [g.op('x_relu6b', 'Mul', [relu6, 'x']), k('six', 6)]);
        return [tanhGelu, hswish, hswishDiv];
      },
    },
    {
      name: 'NonMaxSuppressionV4 padded', inputs: [{ name: 'boxes', shape: [8, 4] }, { name: 'scores', shape: [8], range: [0, 1] }],
      opcodes: ['NON_MAX_SUPPRESSION_V4'],
      build: (g) => {
        const nms = g.op('nms', 'NonMaxSuppressionV4', ['boxes', 'scores', g.ints('max_out', [5], []), g.random('iou', [], 0.3, 0.3), g.random('score_thr', [], 0.2, 0.2)],
          { pad_to_max_output_size: b(true), T: FLOAT, T_threshold: FLOAT });
        return [nms, `${nms}:1`];
      },
    },
  ];

  it.each(OP_ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const g = new GraphFixture();
    for (const input of row.inputs) g.placeholder(input.name, input.shape);
    const outputs = row.build(g);
    const r = await check({ fixture: g, inputs: row.inputs, outputs });
    expectClose(row.name, r, row.rtol);
    const ops = opcodes(r.graph);
    for (const op of row.opcodes) expect(ops, row.name).toContain(op);
    for (const op of row.absent ?? []) expect(ops, row.name).not.toContain(op);
  });

  it('Select with a vector condition picks rows (tfjs cannot run this TensorFlow form: judged by hand)', async () => {
    const g = new GraphFixture();
    g.placeholder('x', [3, 4]);
    g.placeholder('y', [3, 4]);
    const rows = g.op('rows', 'Less', [g.op('sum', 'Sum', ['x', g.ints('ax', [1])], { keep_dims: b(false) }), g.random('zero', [], 0, 0)]);
    g.op('picked', 'Select', [rows, 'x', 'y']);
    const graph = importGraphModel(await g.artifacts(), { outputs: ['picked'] });
    expect(opcodes(graph)).toContain('SELECT');
    const feeds = [seededTensor({ dtype: 'float32', shape: [3, 4] }, 4), seededTensor({ dtype: 'float32', shape: [3, 4] }, 2)];
    const [out] = await runLiteRt(writeModel(graph), feeds);
    const [x, y] = feeds.map((t) => Array.from(t.data as Float32Array));
    const fromX = [0, 1, 2].map((r) => x!.slice(4 * r, 4 * r + 4).reduce((p, q) => p + q, 0) < 0);
    expect(new Set(fromX).size, 'the seeded rows pick from both operands').toBe(2);
    const expected = [0, 1, 2].flatMap((r) => (fromX[r] ? x! : y!).slice(4 * r, 4 * r + 4));
    expect(Array.from(out!.data as Float32Array)).toEqual(expected);
  });

  it('SpaceToDepth (no tfjs kernel: judged against its reshape-transpose definition)', async () => {
    const g = new GraphFixture();
    g.placeholder('x', [1, 4, 6, 3]);
    g.op('s2d', 'SpaceToDepth', ['x'], { block_size: i(2), data_format: s('NHWC') });
    const graph = importGraphModel(await g.artifacts(), { outputs: ['s2d'] });
    expect(opcodes(graph)).toEqual(['SPACE_TO_DEPTH']);
    const feed = seededTensor({ dtype: 'float32', shape: [1, 4, 6, 3] }, 5);
    const [out] = await runLiteRt(writeModel(graph), [feed]);
    const expected = tf.tidy(() => tf.transpose(tf.reshape(tf.tensor(feed.data as Float32Array, [1, 4, 6, 3]), [1, 2, 2, 3, 2, 3]), [0, 1, 3, 2, 4, 5]).reshape([1, 2, 3, 12]).dataSync() as Float32Array);
    expect(compareTensors(out!, { dtype: 'float32', shape: [1, 2, 3, 12], data: expected }).maxAbsError).toBe(0);
  });

  it('NonMaxSuppressionV5 padded (tfjs returns only the valid entries: those are compared), hard and soft', async () => {
    for (const sigma of [0, 0.5]) {
      const g = new GraphFixture();
      g.placeholder('boxes', [10, 4]);
      g.placeholder('scores', [10]);
      const nms = g.op('nms', 'NonMaxSuppressionV5', ['boxes', 'scores', g.ints('max_out', [6], []), g.random('iou', [], 0.4, 0.4),
        g.random('score_thr', [], 0.1, 0.1), g.random('sigma', [], sigma, sigma)], { pad_to_max_output_size: b(true), T: FLOAT });
      const artifacts = await g.artifacts();
      const feeds = [seededTensor({ dtype: 'float32', shape: [10, 4], range: [0, 1] }, 21), seededTensor({ dtype: 'float32', shape: [10], range: [0, 1] }, 22)];
      const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: artifacts.modelJson.modelTopology as object, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData, format: 'graph-model' }));
      const [indices, scores] = await model.executeAsync({ boxes: tf.tensor(feeds[0]!.data as Float32Array, [10, 4]), scores: tf.tensor(feeds[1]!.data as Float32Array, [10]) }, [nms, `${nms}:1`]) as tf.Tensor[];
      const graph = importGraphModel(artifacts, { outputs: [nms, `${nms}:1`, `${nms}:2`] });
      expect(opcodes(graph)).toEqual(['NON_MAX_SUPPRESSION_V5']);
      const [li, ls, lv] = await runLiteRt(writeModel(graph), feeds);
      const valid = indices!.shape[0]!;
      expect(valid).toBeGreaterThan(1);
      expect(Array.from(lv!.data as Int32Array)).toEqual([valid]);
      expect(Array.from(li!.data as Int32Array)).toEqual([...indices!.dataSync(), ...new Array(6 - valid).fill(0)]);
      const want = scores!.dataSync();
      Array.from(ls!.data as Float32Array).forEach((v, k) => expect(Math.abs(v - (k < valid ? want[k]! : 0))).toBeLessThan(1e-6));
    }
  });

  it('refuses by name the ops whose output size is known only at run time (Where, unpadded NMS)', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [4, 4]);
    const where = g.op('where', 'Where', [g.op('pos', 'Greater', [x, g.random('z', [], 0, 0)])], { T: { type: 'DT_BOOL' } });
    const nms = g.op('nms3', 'NonMaxSuppressionV3', [x, g.op('scores', 'Max', [x, g.ints('ax', [1], [])]), g.ints('m', [2], []), g.random('iou', [], 0.5, 0.5), g.random('st', [], 0, 0)]);
    let error: unknown;
    try {
      importGraphModel(await g.artifacts(), { outputs: [where, nms] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    const items = (error as UnsupportedOpsError).items;
    expect(items.map((it) => it.name).sort()).toEqual(['nms3', 'where']);
    for (const it of items) expect(it.detail).toMatch(/run time/);
  });

  it('int8: bool and int32 tensors pass through float fallbacks, data movers keep their data scale, TRANSPOSE_CONV its int32 shape', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 4, 4, 3]);
    const tc = g.op('tc', 'Conv2DBackpropInput', [g.ints('sz', [1, 8, 8, 4]), g.random('w', [3, 3, 4, 3]), x], conv([1, 2, 2, 1], 'SAME'));
    const addn = g.op('addn', 'AddN', [tc, tc, tc], { N: i(3) });
    const split = g.op('split', 'Split', [g.ints('ax', [3], []), addn], { num_split: i(2) });
    const sel = g.op('sel', 'SelectV2', [g.op('less', 'Less', [split, `${split}:1`]), split, `${split}:1`]);
    const argmax = g.op('argmax', 'ArgMax', [sel, g.ints('ax2', [3], [])]);
    const top = g.op('top', 'TopKV2', [g.op('flat', 'Reshape', [sel, g.ints('shp', [1, 128])]), g.ints('k', [5], [])]);
    // Data movers that keep their input's scale: a TF1 dilated conv, SplitV, Tile, GatherNd, ReverseV2.
    const s2b = g.op('s2b', 'SpaceToBatchND', [addn, g.ints('block', [2, 2]), g.ints('pads', [0, 0, 0, 0], [2, 2])]);
    const dconv = g.op('dconv', 'Conv2D', [s2b, g.random('dw', [3, 3, 4, 4])], { strides: ints([1, 1, 1, 1]), padding: s('SAME') });
    const b2s = g.op('b2s', 'BatchToSpaceND', [dconv, g.ints('block2', [2, 2]), g.ints('crops', [0, 0, 0, 0], [2, 2])]);
    const movers = g.op('movers', 'ReverseV2', [g.op('tile', 'Tile', [g.op('gnd', 'GatherNd', [g.op('splitv', 'SplitV', [b2s, g.ints('sizes', [1, 3]), g.ints('sv_axis', [3], [])], { num_split: i(2) }), g.ints('gidx', [0, 1, 0, 2], [2, 2])]), g.ints('reps', [1, 2, 1])]), g.ints('raxis', [1])]);
    const outputs = [split, sel, argmax, top, movers];
    const graph = importGraphModel(await g.artifacts(), { outputs });
    const samples = Array.from({ length: 16 }, (_v, k) => [seededTensor({ dtype: 'float32', shape: [1, 4, 4, 3], range: [0, 1] }, 300 + k)]);
    const { ranges } = await calibrate(graph, samples);
    const { graph: int8, floatOps } = quantizeInt8(graph, ranges, { io: 'float' });
    expect(floatOps.map((o) => o.opcode).sort()).toEqual(['ARG_MAX', 'LESS', 'SELECT_V2', 'TOPK_V2']);
    const feed = [seededTensor({ dtype: 'float32', shape: [1, 4, 4, 3], range: [0, 1] }, 999)];
    const f = await runLiteRt(writeModel(graph), feed);
    const q = await runLiteRt(writeModel(int8), feed);
    for (const k of [0, 1, 3, 4]) {
      const cmp = compareTensors(q[k]!, f[k]!);
      measured.push(`int8 ${outputs[k]}: max abs ${cmp.maxAbsError.toExponential(2)} of range ${(cmp.maxAbsError / cmp.maxRelError).toFixed(2)}`);
      expect(cmp.maxRelError, outputs[k]).toBeLessThan(0.05);
    }
    const same = Array.from(q[2]!.data as Int32Array).filter((v, n) => v === f[2]!.data[n]).length;
    expect(same / f[2]!.data.length).toBeGreaterThan(0.85);
  });

  it('reports the measured errors', () => {
    console.log(`graph-model importer, LiteRT vs tfjs graph executor:\n  ${measured.join('\n  ')}`);
    expect(measured.length).toBeGreaterThan(10);
  });
});
