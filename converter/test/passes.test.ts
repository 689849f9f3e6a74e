// Graph passes on small hand-built graphs: the op list they leave, and (run in LiteRT before and after)
// that the numbers do not change.
import { GraphBuilder, encodeFloat16, writeModel, type Graph } from '@borde/tflite';
import { compareTensors, createRng, runLiteRt, seededTensor } from '@borde/test/harness';
import { describe, expect, it } from 'vitest';
import { foldBatchNorm, foldConstants, fuseActivations, optimize, prune, removeIdentity } from '../src/passes/index.js';

const F = 'float32' as const;
const CONV = { optionsType: 'Conv2DOptions', options: { padding: 0, strideW: 1, strideH: 1, fusedActivationFunction: 0, dilationWFactor: 1, dilationHFactor: 1 } };
const DW = { optionsType: 'DepthwiseConv2DOptions', options: { padding: 0, strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivationFunction: 0, dilationWFactor: 1, dilationHFactor: 1 } };
const FC = { optionsType: 'FullyConnectedOptions', options: { fusedActivationFunction: 0, weightsFormat: 0, keepNumDims: false, asymmetricQuantizeInputs: false } };
const ADD = { optionsType: 'AddOptions', options: { fusedActivationFunction: 0 } };
const MUL = { optionsType: 'MulOptions', options: { fusedActivationFunction: 0 } };
const SUB = { optionsType: 'SubOptions', options: { fusedActivationFunction: 0 } };

function random(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());
}

const act = (name: string, shape: number[]) => ({ name, dtype: F, shape });

/** input [1,5,5,3] -> CONV_2D 4x3x3 -> (per-channel MUL, ADD) -> RELU6 */
function convBnRelu(opts: { bnOutputIsGraphOutput?: boolean; extraReader?: boolean; tail?: string } = {}): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', F, [1, 5, 5, 3]);
  const w = b.constant('conv/kernel', F, [4, 3, 3, 3], random(108, 1));
  const bias = b.constant('conv/bias', F, [4], random(4, 2));
  const conv = b.op('CONV_2D', [x, w, bias], CONV, act('conv', [1, 5, 5, 4]));
  const mul = b.op('MUL', [conv, b.constant('bn/scale', F, [4], random(4, 3, 0.5, 2))], MUL, act('bn/mul', [1, 5, 5, 4]));
  const add = b.op('ADD', [mul, b.constant('bn/offset', F, [4], random(4, 4))], ADD, act('bn', [1, 5, 5, 4]));
  const relu = b.op(opts.tail ?? 'RELU6', [add], undefined, act('relu', [1, 5, 5, 4]));
  b.output(relu);
  if (opts.bnOutputIsGraphOutput) b.output(conv);
  if (opts.extraReader) b.output(b.op('RELU', [mul], undefined, act('side', [1, 5, 5, 4])));
  return b.build();
}

const ops = (g: Graph) => g.subgraphs[0]!.operators.map((o) => o.opcode);

/** Runs both graphs in LiteRT on the same seeded inputs; returns the worst relative error over outputs. */
async function sameNumbers(before: Graph, after: Graph): Promise<number> {
  const sg = before.subgraphs[0]!;
  const inputs = sg.inputs.map((i, k) => seededTensor({ dtype: 'float32', shape: sg.tensors[i]!.shape, range: [-2, 2] }, 100 + k));
  const [a, e] = await Promise.all([runLiteRt(writeModel(after), inputs), runLiteRt(writeModel(before), inputs)]);
  expect(a.length).toBe(e.length);
  return Math.max(...a.map((t, i) => compareTensors(t, e[i]!).maxRelError));
}

describe('foldBatchNorm + fuseActivations', () => {
  it('folds per-channel MUL and ADD into CONV_2D and fuses RELU6, numbers unchanged', async () => {
    const g = convBnRelu();
    const out = optimize(g);
    expect(ops(out)).toEqual(['CONV_2D']);
    const conv = out.subgraphs[0]!.operators[0]!;
    expect(conv.options!['fusedActivationFunction']).toBe(3);
    expect(out.subgraphs[0]!.tensors[conv.outputs[0]!]!.name).toBe('relu');
    expect(await sameNumbers(g, out)).toBeLessThanOrEqual(1e-5);
    expect(ops(g)).toEqual(['CONV_2D', 'MUL', 'ADD', 'RELU6']); // the input graph is left alone
  });

  it('does not fold when the conv output is a model output or has another reader', () => {
    const kept = optimize(convBnRelu({ bnOutputIsGraphOutput: true }));
    expect(ops(kept)).toEqual(['CONV_2D', 'MUL', 'ADD']); // RELU6 still fuses into the ADD
    expect(kept.subgraphs[0]!.operators[2]!.options!['fusedActivationFunction']).toBe(3);
    // MUL feeds a second op: the MUL stays, ADD cannot be reached through it.
    expect(ops(foldBatchNorm(convBnRelu({ extraReader: true })))).toEqual(['CONV_2D', 'ADD', 'RELU6', 'RELU']);
  });

  it('keeps TANH as its own op (TFLite kernels ignore a fused TANH)', async () => {
    const g = convBnRelu({ tail: 'TANH' });
    const out = optimize(g);
    expect(ops(out)).toEqual(['CONV_2D', 'TANH']);
    expect(await sameNumbers(g, out)).toBeLessThanOrEqual(1e-5);
  });

  it('folds into DEPTHWISE_CONV_2D (channel axis last) and FULLY_CONNECTED, SUB and scalar MUL included', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', F, [1, 4, 4, 3]);
    const dw = b.op('DEPTHWISE_CONV_2D', [x, b.constant('dw/w', F, [1, 3, 3, 3], random(27, 5)), b.constant('dw/b', F, [3], random(3, 6))], DW, act('dw', [1, 4, 4, 3]));
    const scaled = b.op('MUL', [b.constant('s', F, [1, 1, 1, 3], random(3, 7, 0.5, 2)), dw], MUL, act('dw/mul', [1, 4, 4, 3]));
    const shifted = b.op('SUB', [scaled, b.constant('o', F, [3], random(3, 8))], SUB, act('dw/sub', [1, 4, 4, 3]));
    const flat = b.op('RESHAPE', [shifted, b.constant('shape', 'int32', [2], [1, 48])], { optionsType: 'ReshapeOptions', options: { newShape: [1, 48] } }, act('flat', [1, 48]));
    const fc = b.op('FULLY_CONNECTED', [flat, b.constant('fc/w', F, [5, 48], random(240, 9)), -1], FC, act('fc', [1, 5]));
    const fcScaled = b.op('MUL', [fc, b.constant('k', F, [], [0.5])], MUL, act('fc/mul', [1, 5]));
    const relu = b.op('RELU', [fcScaled], undefined, act('out', [1, 5]));
    b.output(relu);
    const g = b.build();
    const out = optimize(g);
    expect(ops(out)).toEqual(['DEPTHWISE_CONV_2D', 'RESHAPE', 'FULLY_CONNECTED']);
    expect(out.subgraphs[0]!.operators[2]!.inputs[2]).toBeGreaterThanOrEqual(0); // a bias was created
    expect(await sameNumbers(g, out)).toBeLessThanOrEqual(1e-5);
  });

  it('fuses into ADD and pooling but never into CONCATENATION', () => {
    const b = new GraphBuilder();
    const x = b.input('x', F, [1, 4, 4, 2]);
    const y = b.input('y', F, [1, 4, 4, 2]);
    const sum = b.op('ADD', [x, y], ADD, act('sum', [1, 4, 4, 2]));
    const r1 = b.op('RELU', [sum], undefined, act('r1', [1, 4, 4, 2]));
    const pool = b.op('MAX_POOL_2D', [r1], { optionsType: 'Pool2DOptions', options: { padding: 1, strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2, fusedActivationFunction: 0 } }, act('pool', [1, 2, 2, 2]));
    const r2 = b.op('RELU_N1_TO_1', [pool], undefined, act('r2', [1, 2, 2, 2]));
    const cat = b.op('CONCATENATION', [x, y], { optionsType: 'ConcatenationOptions', options: { axis: 3, fusedActivationFunction: 0 } }, act('cat', [1, 4, 4, 4]));
    const r3 = b.op('RELU', [cat], undefined, act('r3', [1, 4, 4, 4]));
    b.output(r2, r3);
    const out = fuseActivations(b.build());
    expect(ops(out)).toEqual(['ADD', 'MAX_POOL_2D', 'CONCATENATION', 'RELU']);
    expect(out.subgraphs[0]!.operators.map((o) => o.options?.['fusedActivationFunction'])).toEqual([1, 2, 0, undefined]);
  });
});

describe('removeIdentity', () => {
  it('drops same-shape RESHAPE, identity TRANSPOSE, ADD 0 and MUL 1, and rewires a model output', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', F, [1, 2, 3]);
    const t = b.op('TRANSPOSE', [x, b.constant('perm', 'int32', [3], [0, 1, 2])], undefined, act('t', [1, 2, 3]));
    const r = b.op('RELU', [t], undefined, act('r', [1, 2, 3]));
    const s = b.op('RESHAPE', [r, b.constant('shape', 'int32', [3], [1, 2, 3])], undefined, act('s', [1, 2, 3]));
    const a = b.op('ADD', [s, b.constant('zero', F, [3], [0, 0, 0])], ADD, act('a', [1, 2, 3]));
    const m = b.op('MUL', [a, b.constant('one', F, [], [1])], MUL, act('out', [1, 2, 3]));
    b.output(m);
    b.signature('serving_default', { x }, { out: m });
    const g = b.build();
    const out = prune(removeIdentity(g));
    expect(ops(out)).toEqual(['RELU']);
    const sg = out.subgraphs[0]!;
    expect(sg.tensors[sg.outputs[0]!]!.name).toBe('out');
    expect(out.signatures[0]!.outputs[0]!.tensorIndex).toBe(sg.outputs[0]);
    expect(await sameNumbers(g, out)).toBe(0);
  });

  it('keeps ops that change values: ADD of non-zeros, a real permutation, a broadcasting MUL by ones', () => {
    const b = new GraphBuilder();
    const x = b.input('x', F, [1, 2, 2]);
    const a = b.op('ADD', [x, b.constant('c', F, [2], [0, 1e-7])], ADD, act('a', [1, 2, 2]));
    const t = b.op('TRANSPOSE', [a, b.constant('perm', 'int32', [3], [0, 2, 1])], undefined, act('t', [1, 2, 2]));
    const m = b.op('MUL', [t, b.constant('ones', F, [2, 2, 2], new Float32Array(8).fill(1))], MUL, act('m', [2, 2, 2]));
    b.output(m);
    expect(ops(removeIdentity(b.build()))).toEqual(['ADD', 'TRANSPOSE', 'MUL']);
  });
});

describe('foldConstants', () => {
  it('computes TRANSPOSE, RESHAPE, CAST, DEQUANTIZE(float16) and MUL/ADD of constants in JS', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', F, [1, 3, 2]);
    const raw = b.constant('raw', F, [2, 3], [1, 2, 3, 4, 5, 6]);
    const tr = b.op('TRANSPOSE', [raw, b.constant('perm', 'int32', [2], [1, 0])], undefined, act('tr', [3, 2]));
    const rs = b.op('RESHAPE', [tr, b.constant('shape', 'int32', [3], [1, 3, 2])], undefined, act('rs', [1, 3, 2]));
    const half = b.constant('half', 'float16', [2], encodeFloat16([0.5, -0.25]));
    const deq = b.op('DEQUANTIZE', [half], undefined, act('deq', [2]));
    const ints = b.constant('ints', 'int32', [2], [2, 3]);
    const cast = b.op('CAST', [ints], { optionsType: 'CastOptions', options: { inDataType: 2, outDataType: 0 } }, act('cast', [2]));
    const prod = b.op('MUL', [deq, cast], { optionsType: 'MulOptions', options: { fusedActivationFunction: 1 } }, act('prod', [2]));
    const bias = b.op('ADD', [rs, prod], ADD, act('bias', [1, 3, 2]));
    const y = b.op('ADD', [x, bias], ADD, act('y', [1, 3, 2]));
    b.output(y);
    const g = b.build();
    const out = optimize(g);
    expect(ops(out)).toEqual(['ADD']);
    const sg = out.subgraphs[0]!;
    const constant = sg.tensors[sg.operators[0]!.inputs[1]!]!;
    // transpose -> [[1,4],[2,5],[3,6]]; + relu([0.5*2, -0.25*3]) = + [1, 0]
    expect(Array.from(new Float32Array(constant.data!.slice().buffer))).toEqual([2, 4, 3, 5, 4, 6]);
    expect(sg.tensors.length).toBe(3); // x, the folded constant, y
    expect(await sameNumbers(g, out)).toBe(0);
  });

  it('never turns a model output into a constant', () => {
    const b = new GraphBuilder();
    b.input('x', F, [1]);
    const c = b.op('NEG', [b.constant('c', F, [1], [2])], undefined, act('neg', [1]));
    b.output(c);
    expect(ops(foldConstants(b.build()))).toEqual(['NEG']);
  });
});

describe('prune', () => {
  it('drops dead ops and unused tensors and renumbers inputs, outputs, operators and signatures', () => {
    const b = new GraphBuilder();
    b.constant('unused', F, [2], [1, 2]);
    const x = b.input('x', F, [1, 2]);
    const dead = b.op('RELU', [x], undefined, act('dead', [1, 2]));
    b.op('TANH', [dead], undefined, act('dead2', [1, 2]));
    const y = b.op('LOGISTIC', [x], undefined, act('y', [1, 2]));
    b.output(y);
    b.signature('serving_default', { x }, { y });
    const out = prune(b.build());
    const sg = out.subgraphs[0]!;
    expect(sg.tensors.map((t) => t.name)).toEqual(['x', 'y']);
    expect(sg.operators).toEqual([{ opcode: 'LOGISTIC', inputs: [0], outputs: [1] }]);
    expect([sg.inputs, sg.outputs]).toEqual([[0], [1]]);
    expect(out.signatures[0]!.outputs).toEqual([{ name: 'y', tensorIndex: 1 }]);
  });
});
