import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Graph, Tensor } from '@borde/tflite';
import {
  BackendError, createExecutor, DisposedError, InputError, UnsupportedOpError, type KernelCheck,
} from '../src/index.js';
import { oneOpGraph, seeded } from './support/one-op-graph.js';
import * as ref from './support/reference.js';
import { maxAbsDiff } from './support/typed.js';

const f32 = (data: number[]) => new Uint8Array(Float32Array.from(data).buffer);

/** x [1,4,4,2] -> CONV_2D 3x3 SAME (2->3) -> RELU -> ADD (+ constant) -> y, and the same values by hand. */
function chain(): { graph: Graph; x: number[]; expected: number[] } {
  const x = seeded(32, 21);
  const w = seeded(3 * 3 * 3 * 2, 22);
  const b = seeded(3, 23);
  const offset = [0.5, -0.25, 1];
  const conv = ref.conv2d({ n: 1, h: 4, w: 4, c: 2, data: x }, w, [3, 3, 3, 2], b, [1, 1], 'same');
  const expected = conv.data.map((v, i) => Math.max(0, v) + offset[i % 3]!);
  const tensors: Tensor[] = [
    { name: 'x', dtype: 'float32', shape: [1, 4, 4, 2] },
    { name: 'w', dtype: 'float32', shape: [3, 3, 3, 2], data: f32(w) },
    { name: 'b', dtype: 'float32', shape: [3], data: f32(b) },
    { name: 'conv', dtype: 'float32', shape: [1, 4, 4, 3] },
    { name: 'relu', dtype: 'float32', shape: [1, 4, 4, 3] },
    { name: 'offset', dtype: 'float32', shape: [3], data: f32(offset) },
    { name: 'y', dtype: 'float32', shape: [1, 4, 4, 3] },
  ];
  const graph: Graph = {
    version: 3, description: '', signatures: [], metadata: [],
    subgraphs: [{
      name: 'main', tensors, inputs: [0], outputs: [6],
      operators: [
        { opcode: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: { padding: 0, strideH: 1, strideW: 1 } },
        { opcode: 'RELU', inputs: [3], outputs: [4] },
        { opcode: 'ADD', inputs: [4, 5], outputs: [6] },
      ],
    }],
  };
  return { graph, x, expected };
}

/** tfjs' real registry, with `kernel` held back on `backend`. */
const without = (backend: string, kernel: string): KernelCheck => (b, k) =>
  !(b === backend && k === kernel) && tf.getKernel(k, b) !== undefined;

describe('placement', () => {
  it('puts every op on the first preferred backend that has its kernels', async () => {
    const { graph } = chain();
    const exec = await createExecutor(graph, { backends: ['wasm', 'cpu'] });
    expect(exec.placement.map((p) => [p.opcode, p.backend])).toEqual([['CONV_2D', 'wasm'], ['RELU', 'wasm'], ['ADD', 'wasm']]);
    expect(exec.placement[0]!.reason).toContain('FusedConv2D');
    exec.dispose();
  });

  it('moves an op whose kernel the backend lacks to cpu, with correct results across the segment borders', async () => {
    const { graph, x, expected } = chain();
    const exec = await createExecutor(graph, { backends: ['wasm'], hasKernel: without('wasm', 'Relu') });
    expect(exec.placement.map((p) => p.backend)).toEqual(['wasm', 'cpu', 'wasm']);
    expect(exec.placement[1]!.reason).toMatch(/wasm lacks Relu.*fell back to cpu/);
    const { outputs, tensors } = await exec.run([Float32Array.from(x)], { keep: 'all' });
    expect(maxAbsDiff(outputs[0]!.data as Float32Array, expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(tensors!.get(4)!, expected.map((v, i) => v - [0.5, -0.25, 1][i % 3]!))).toBeLessThan(1e-5);
    exec.dispose();
  });

  it('falls back to cpu for every op when the preferred backend lacks the conv kernel', async () => {
    const { graph, x, expected } = chain();
    const exec = await createExecutor(graph, { backends: ['wasm', 'cpu'], hasKernel: without('wasm', 'FusedConv2D') });
    expect(exec.placement.map((p) => p.backend)).toEqual(['cpu', 'wasm', 'wasm']);
    const { outputs } = await exec.run([Float32Array.from(x)]);
    expect(maxAbsDiff(outputs[0]!.data as Float32Array, expected)).toBeLessThan(1e-5);
    exec.dispose();
  });

  it('lists every op no backend can run, at load', async () => {
    const { graph } = chain();
    const sg = graph.subgraphs[0]!;
    sg.operators.push({ opcode: 'LSTM', inputs: [6], outputs: [6] }, { opcode: 'CUSTOM', customCode: 'MyOp', inputs: [6], outputs: [6] });
    const error = await createExecutor(graph, { backends: ['cpu'], hasKernel: without('cpu', 'Relu') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOpError);
    const ops = (error as UnsupportedOpError).ops;
    expect(ops.map((o) => [o.index, o.opcode])).toEqual([[1, 'RELU'], [3, 'LSTM'], [4, 'MyOp']]);
    expect((error as UnsupportedOpError).code).toBe('UNSUPPORTED_OPS');
    expect((error as Error).message).toContain('cpu lacks Relu');
  });

  it('fails with every attempt and its reason when no requested backend works', async () => {
    const error = await createExecutor(chain().graph, { backends: ['webgpu', 'nope'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).attempts.map((a) => [a.backend, a.ok])).toEqual([['webgpu', false], ['nope', false]]);
    expect((error as Error).message).toMatch(/webgpu: not registered/);
  });

  it('leaves the caller\'s tfjs backend as it was', async () => {
    await tf.setBackend('cpu');
    const { graph, x } = chain();
    const exec = await createExecutor(graph, { backends: ['wasm'] });
    await exec.run([Float32Array.from(x)]);
    expect(tf.getBackend()).toBe('cpu');
    exec.dispose();
  });
});

describe('memory', () => {
  it('1,000 runs across two backends leave tf.memory().numTensors unchanged; dispose frees the constants', async () => {
    const { graph, x } = chain();
    const before = tf.memory().numTensors;
    const exec = await createExecutor(graph, { backends: ['wasm'], hasKernel: without('wasm', 'Relu') });
    const loaded = tf.memory().numTensors;
    const input = Float32Array.from(x);
    for (let i = 0; i < 1000; i++) await exec.run([input], i % 100 === 0 ? { keep: 'all' } : {});
    expect(tf.memory().numTensors).toBe(loaded);
    exec.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(exec.run([input])).rejects.toBeInstanceOf(DisposedError);
  });

  it('frees intermediate tensors even when an op fails mid-run', async () => {
    const graph = oneOpGraph({
      opcode: 'RESHAPE', inputs: [{ shape: [2, 3], data: [] }, { shape: [2], data: [4, 4], dtype: 'int32', constant: true }],
      outputs: [{ shape: [4, 4] }],
    });
    const exec = await createExecutor(graph);
    const loaded = tf.memory().numTensors;
    await expect(exec.run([new Float32Array(6)])).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(loaded);
    exec.dispose();
  });
});

describe('inputs', () => {
  const addGraph = () => oneOpGraph({
    opcode: 'ADD', inputs: [{ shape: [1, 3], data: [] }, { shape: [1, 3], data: [] }], outputs: [{ shape: [1, 3] }],
  });

  it('takes inputs by position or by name, as typed arrays or { data, shape }', async () => {
    const exec = await createExecutor(addGraph());
    const a = Float32Array.from([1, 2, 3]);
    const b = Float32Array.from([10, 20, 30]);
    const byPosition = await exec.run([a, { data: b, shape: [1, 3] }]);
    const byName = await exec.run({ in1: b, in0: a });
    expect(Array.from(byPosition.outputs[0]!.data as Float32Array)).toEqual([11, 22, 33]);
    expect(Array.from(byName.outputs[0]!.data as Float32Array)).toEqual([11, 22, 33]);
    expect(byName.outputs[0]).toMatchObject({ name: 'out0', dtype: 'float32', shape: [1, 3] });
    exec.dispose();
  });

  it.each([
    ['a wrong dtype', [Int32Array.from([1, 2, 3]), new Float32Array(3)], 'in0', /expected a Float32Array of shape \[1, 3\], got an Int32Array of 3 elements/],
    ['a wrong shape', [{ data: new Float32Array(3), shape: [3, 1] }, new Float32Array(3)], 'in0', /expected shape \[1, 3\], got shape \[3, 1\]/],
    ['a wrong length', [new Float32Array(3), new Float32Array(4)], 'in1', /expected 3 elements/],
    ['a missing input', { in0: new Float32Array(3) }, 'in1', /got nothing/],
    ['an unknown name', { in0: new Float32Array(3), in1: new Float32Array(3), inx: new Float32Array(3) }, 'inx', /expected input names "in0", "in1", got an unknown name "inx"/],
  ] as const)('rejects %s with an InputError naming the input', async (_what, inputs, name, message) => {
    const exec = await createExecutor(addGraph());
    const error = await exec.run(inputs as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(name);
    expect((error as Error).message).toMatch(message);
    exec.dispose();
  });

  it('rejects NaN for a quantized (int8) input given as real values, and quantizes real values otherwise', async () => {
    const q = { scale: [0.5], zeroPoint: [0], quantizedDimension: 0 };
    const exec = await createExecutor(oneOpGraph({
      opcode: 'DEQUANTIZE', inputs: [{ shape: [3], data: [], dtype: 'int8', quantization: q }], outputs: [{ shape: [3] }],
    }));
    const error = await exec.run([Float32Array.from([1, Number.NaN, 2])]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/NaN at element 1/);
    const { outputs } = await exec.run([Float32Array.from([1.2, -0.7, 1000])]);
    expect(Array.from(outputs[0]!.data as Float32Array)).toEqual([1, -0.5, 63.5]);
    exec.dispose();
  });
});
