import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { seededTensor } from '@borde/test/harness';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../src/convert.js';
import { ControlFlowError, OutputMismatchError, UnsupportedOpsError } from '../src/errors.js';
import { importGraphModel } from '../src/importers/graph-model.js';
import { matchOutputs } from '../src/verify/match-outputs.js';
import { GraphFixture, s, thrown } from './support/graph-fixture.js';

// Real graph models have several outputs, signatures, unsupported ops deep inside, and TF1 loops in their
// post-processing. These cases build such graphs by hand and convert them end to end (tfjs vs LiteRT).

const dir = mkdtempSync(join(tmpdir(), 'borde-graph-reach-'));
const sigEntry = (name: string) => ({ name, dtype: 'DT_FLOAT' });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two signature outputs listed in another order than the graph's, plus a leaf the signature leaves out. */
function multiOutput(): GraphFixture {
  const g = new GraphFixture();
  const x = g.placeholder('x', [-1, 6]);
  g.op('scores', 'Softmax', [g.op('scores_mm', 'MatMul', [x, g.random('w2', [6, 3])])]);
  g.op('boxes', 'Tanh', [g.op('boxes_mm', 'MatMul', [x, g.random('w1', [6, 4])])]);
  g.op('debug', 'Relu', [x]);
  return g;
}
const SIGNATURE = { inputs: { image: sigEntry('x:0') }, outputs: { boxes: sigEntry('boxes:0'), scores: sigEntry('scores:0') } };

describe('outputs are matched by name', () => {
  it('verifies a multi-output graph model whose tfjs leaf order differs from its signature', async () => {
    const path = await multiOutput().save(join(dir, 'multi'), SIGNATURE);
    const { graph, report } = await convert(path);
    expect(graph.signatures[0]!.outputs.map((o) => o.name)).toEqual(['boxes', 'scores']);
    expect(graph.signatures[0]!.inputs.map((o) => o.name)).toEqual(['image']);
    expect(report.verify!.outputs.map((o) => o.name)).toEqual(['boxes', 'scores']);
    expect(report.verify!.passed).toBe(true);
    expect(report.verify!.maxRelError).toBeLessThan(1e-5);
  });

  it('pairs float and int8 outputs by name in calibration and evaluation', async () => {
    const path = await multiOutput().save(join(dir, 'multi-int8'), SIGNATURE);
    const calibration = Array.from({ length: 16 }, (_v, k) => [{ ...seededTensor({ dtype: 'float32', shape: [1, 6] }, 40 + k), name: 'x' }]);
    const { report } = await convert(path, { quantize: 'int8', calibration });
    const outputs = report.quantization!.evaluation!.outputs;
    expect(outputs.map((o) => o.name)).toEqual(['boxes', 'scores']);
    // Paired right, the int8 error is small against each output's own range (paired wrong, shapes differ).
    for (const o of outputs) expect(o.maxAbsError / o.range).toBeLessThan(0.1);
  });

  it('differing output name sets are a typed error that prints both lists', () => {
    const t = (name: string) => ({ name, dtype: 'float32' as const, shape: [1], data: new Float32Array(1) });
    const error = thrown(() => matchOutputs([t('boxes'), t('scores')], [t('boxes'), t('scores'), t('debug')], { step: 'verify', candidate: 'LiteRT', reference: 'tfjs' }));
    expect(error).toBeInstanceOf(OutputMismatchError);
    expect((error as OutputMismatchError).code).toBe('OUTPUT_MISMATCH');
    expect((error as Error).message).toMatch(/LiteRT: \[boxes, scores\][\s\S]*tfjs: \[boxes, scores, debug\]/);
    const pairs = matchOutputs([t('scores'), t('boxes')], [t('boxes'), t('scores')], { step: 'verify', candidate: 'a', reference: 'b' });
    expect(pairs.map(([a, b]) => `${a.name}=${b.name}`)).toEqual(['boxes=boxes', 'scores=scores']);
  });
});

describe('one refusal lists every unsupported op', () => {
  it('lists each unsupported type with its node count and two names, and blames no supported op', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 8]);
    const fft1 = g.op('fft1', 'RFFT', [x, g.ints('len', [8])]);
    const fft2 = g.op('fft2', 'RFFT', [g.op('relu', 'Relu', [x]), g.ints('len2', [8])]);
    const fft3 = g.op('fft3', 'RFFT', [fft1, g.ints('len3', [8])]); // behind another unsupported op: still listed
    const uniq = g.op('uniq', 'UniqueV2', [x, g.ints('uax', [0])]);
    // Reads output 1 of an unsupported op: must not be blamed ("only exists in training").
    const idx = g.op('idx_f', 'Relu', [`${uniq}:1`]);
    // Output 2 of a supported multi-output op behind an unsupported one: not blamed either.
    const parts = g.op('parts', 'Unpack', [g.op('fft_r', 'Reshape', [fft2, g.ints('r', [1, 5, 1])])], { num: { i: '5' }, axis: { i: '1' } });
    const third = g.op('third', 'Relu', [`${parts}:2`]);
    const y = g.op('y', 'ConcatV2', [fft2, fft3, idx, third, g.ints('axis', [1], [])]);
    const artifacts = await g.artifacts();
    const error = thrown(() => importGraphModel(artifacts, { outputs: [y] }));
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    const items = (error as UnsupportedOpsError).items;
    expect(items.map((it) => it.name).sort()).toEqual(['fft1', 'fft2', 'fft3', 'uniq']);
    const message = (error as Error).message;
    expect(message).toMatch(/4 unsupported .* 2 type/);
    expect(message).toMatch(/RFFT: 3 nodes \(e\.g\. '\w+', '\w+'\)/);
    expect(message).toMatch(/uniq \(UniqueV2\)/);
    expect(message).not.toMatch(/idx_f|third|ConcatV2|Relu|Unpack|training/);
  });
});

/**
 * A TF1 while loop (tf.while_loop as TF1 graphs store it: Enter/Merge/Switch/LoopCond/NextIteration/Exit)
 * run over `pre`, next to an output `side` that needs no loop.
 */
function tf1Loop(preOp = 'Relu'): GraphFixture {
  const g = new GraphFixture();
  const x = g.placeholder('x', [1, 4]);
  const pre = g.op('pre', preOp, [x]);
  g.op('side', 'Sigmoid', [pre]);
  const frame = { frame_name: s('post/while/while_context') };
  const enter = g.op('post/while/Enter', 'Enter', [pre], frame);
  const enterI = g.op('post/while/Enter_1', 'Enter', [g.ints('i0', [0], [])], { ...frame, T: { type: 'DT_INT32' } });
  const merge = g.op('post/while/Merge', 'Merge', [enter, 'post/while/NextIteration']);
  const mergeI = g.op('post/while/Merge_1', 'Merge', [enterI, 'post/while/NextIteration_1'], { T: { type: 'DT_INT32' } });
  const cond = g.op('post/while/LoopCond', 'LoopCond', [g.op('post/while/Less', 'Less', [mergeI, g.ints('three', [3], [])], { T: { type: 'DT_INT32' } })]);
  const sw = g.op('post/while/Switch', 'Switch', [merge, cond]);
  const swI = g.op('post/while/Switch_1', 'Switch', [mergeI, cond], { T: { type: 'DT_INT32' } });
  const body = g.op('post/while/add', 'Mul', [g.op('post/while/Identity', 'Identity', [`${sw}:1`]), g.random('post/while/c', [1, 4])]);
  const bodyI = g.op('post/while/add_1', 'AddV2', [g.op('post/while/Identity_1', 'Identity', [`${swI}:1`], { T: { type: 'DT_INT32' } }), g.ints('one', [1], [])], { T: { type: 'DT_INT32' } });
  g.op('post/while/NextIteration', 'NextIteration', [body]);
  g.op('post/while/NextIteration_1', 'NextIteration', [bodyI], { T: { type: 'DT_INT32' } });
  g.op('out', 'Tanh', [g.op('post/while/Exit', 'Exit', [sw])]);
  return g;
}

describe('cutting a graph', () => {
  it('refuses TF1 control flow once, naming the loop and the --outputs cut that avoids it', async () => {
    const artifacts = await tf1Loop().artifacts();
    const error = thrown(() => importGraphModel(artifacts, { outputs: ['out', 'side'] }));
    expect(error).toBeInstanceOf(ControlFlowError);
    const cf = error as ControlFlowError;
    expect(cf.regions).toEqual([expect.objectContaining({ name: 'post/while', kind: 'loop' })]);
    expect(cf.suggestedOutputs).toEqual(['side', 'pre']);
    expect(cf.message).toMatch(/loop 'post\/while'/);
    expect(cf.message).toMatch(/--outputs side,pre/);
    expect(cf.suggestedInputs).toEqual(['post/while/Exit']); // what the loop hands to the rest of the graph
    expect(cf.message).toMatch(/--inputs post\/while\/Exit/);
    expect(cf.message).not.toMatch(/Enter: \d+ nodes/); // the loop is one line, not a list of its parts
    // The suggested cut converts, and is verified against tfjs computing the same tensors.
    const path = await tf1Loop().save(join(dir, 'loop'));
    const { graph, report } = await convert(path, { outputs: cf.suggestedOutputs });
    expect(graph.subgraphs[0]!.operators.map((o) => o.opcode)).toEqual(['RELU', 'LOGISTIC']);
    expect(report.verify!.outputs.map((o) => o.name)).toEqual(['side', 'pre']);
    expect(report.verify!.passed).toBe(true);
  });

  it('--outputs cuts after an intermediate tensor; --inputs makes one an input of its inferred shape', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 5, 5, 2]);
    const conv = g.op('conv', 'Conv2D', [g.op('pre', 'Sub', [x, g.random('m', [2])]), g.random('k', [3, 3, 2, 4])], {
      strides: { list: { i: ['1', '1', '1', '1'] } }, padding: s('SAME'),
    });
    const act = g.op('act', 'Relu6', [conv]);
    g.op('post', 'RFFT', [act, g.ints('n', [4])]); // unsupported post-processing, cut away
    const path = await g.save(join(dir, 'cut'));
    const head = await convert(path, { outputs: ['act'] });
    expect(head.report.verify!.passed).toBe(true);
    expect(head.graph.subgraphs[0]!.operators.map((o) => o.opcode)).toEqual(['SUB', 'CONV_2D']);
    const tail = await convert(path, { inputs: ['conv'], outputs: ['act'] });
    const sub = tail.graph.subgraphs[0]!;
    expect(sub.inputs.map((i) => [sub.tensors[i]!.name, sub.tensors[i]!.shape])).toEqual([['conv', [1, 5, 5, 4]]]);
    expect(sub.operators.map((o) => o.opcode)).toEqual(['RELU6']);
    expect(tail.report.verify!.passed).toBe(true);
    await expect(convert(path, { outputs: ['nope:0'] })).rejects.toThrow(/Output 'nope:0' names no node.*--outputs/);
    await expect(convert(path, { outputs: ['x'] })).rejects.toThrow(/Output 'x' is a model input itself/);
  });

  it('never suggests a cut at a model input: an Identity of the input is the input', async () => {
    const artifacts = await tf1Loop('Identity').artifacts();
    const cf = thrown(() => importGraphModel(artifacts, { outputs: ['out', 'side'] })) as ControlFlowError;
    expect(cf).toBeInstanceOf(ControlFlowError);
    expect(cf.suggestedOutputs).toEqual(['side']);
  });

  it('an op TFLite lacks names the outputs that need none of it, and that cut converts', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, 4, 4, 2]);
    const heads = g.op('heads', 'Relu6', [g.op('mm', 'Mul', [x, g.random('w', [2])])]);
    g.op('post', 'RFFT', [heads, g.ints('n', [4])]);
    g.op('scores', 'Sigmoid', [heads]);
    const path = await g.save(join(dir, 'post'), { inputs: { x: sigEntry('x:0') }, outputs: { spectrum: sigEntry('post:0'), scores: sigEntry('scores:0') } });
    const error = await convert(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOpsError);
    expect((error as UnsupportedOpsError).convertibleOutputs).toEqual(['scores:0']);
    expect((error as Error).message).toMatch(/need none of them and convert: --outputs scores:0/);
    const { report } = await convert(path, { outputs: (error as UnsupportedOpsError).convertibleOutputs });
    expect(report.verify!.passed).toBe(true);
  });

  it('--inputs after a tf.map loop takes the shape its TensorListStack declares (num_elements x element_shape)', async () => {
    const g = new GraphFixture();
    const x = g.placeholder('x', [1, -1, -1, 3]);
    // The loop itself (unsupported, cut away) stands in as one op producing the list handle.
    const list = g.op('map/TensorListFromTensor', 'TensorListFromTensor', [x, g.ints('map/shape', [-1, -1, 3])]);
    const stack = g.op('map/TensorListStack', 'TensorListStack', [list, g.ints('map/TensorListStack/element_shape', [4, 4, 3])], {
      num_elements: { i: '1' }, element_dtype: { type: 'DT_FLOAT' },
    });
    g.op('y', 'Relu6', [g.op('scaled', 'Mul', [stack, g.random('k', [3])])]);
    const path = await g.save(join(dir, 'map'));
    const { graph, report } = await convert(path, { inputs: ['map/TensorListStack'], outputs: ['y'] });
    const sub = graph.subgraphs[0]!;
    expect(sub.inputs.map((i) => sub.tensors[i]!.shape)).toEqual([[1, 4, 4, 3]]);
    expect(report.verify!.passed).toBe(true);
  });
});
