import * as tf from '@tensorflow/tfjs';
import { writeModel, type Graph } from '@borde/tflite';
import { compareTensors, runLiteRt, seededTensor, type HarnessTensor } from '@borde/test/harness';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedOpsError } from '../src/errors.js';
import { importGraphModel } from '../src/importers/graph-model.js';
import type { TfjsArtifacts } from '../src/importers/tfjs-artifacts.js';

// Each case writes a small TensorFlow graph-model by hand (NodeDefs + weights, as tfjs-converter
// stores them), runs it in tfjs' own graph executor (tf.loadGraphModel), imports it, writes the .tflite,
// runs that in LiteRT on the same seeded inputs, and compares.

import { b, f, FLOAT, GraphFixture, i, INT, ints, s, strs } from './support/graph-fixture.js';

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
  const reference = model.execute(feedMap, c.outputs) as tf.Tensor | tf.Tensor[];
  const expected: HarnessTensor[] = (Array.isArray(reference) ? reference : [reference]).map((t, k) => ({
    dtype: 'float32', shape: t.shape, data: t.dataSync() as Float32Array, name: c.outputs[k],
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

  it('reports the measured errors', () => {
    console.log(`graph-model importer, LiteRT vs tfjs graph executor:\n  ${measured.join('\n  ')}`);
    expect(measured.length).toBeGreaterThan(10);
  });
});
