import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel } from '@borde/tflite';
import { readFileSync } from 'node:fs';
import { runCli } from './support/run-cli.js';
import { GraphFixture, ints, s } from './support/graph-fixture.js';

// `borde convert` on graph models a user did not make: a dynamic image input (--input-shape, --input-size)
// and a graph cut before its post-processing (--outputs, --inputs).

const dir = mkdtempSync(join(tmpdir(), 'borde-cli-shapes-'));
let dynamicModel = '';
let twoInputs = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  const g = new GraphFixture();
  const img = g.placeholder('img', [-1, -1, -1, 3]);
  const conv = g.op('conv', 'Conv2D', [img, g.random('k', [3, 3, 3, 4])], { strides: ints([1, 2, 2, 1]), padding: s('SAME') });
  g.op('pooled', 'Mean', [g.op('act', 'Relu', [conv]), g.ints('hw', [1, 2])], { keep_dims: { b: false } });
  dynamicModel = await g.save(join(dir, 'dynamic'));
  const h = new GraphFixture();
  h.op('sum', 'AddV2', [h.placeholder('a', [1, -1]), h.placeholder('b', [1, -1])]);
  twoInputs = await h.save(join(dir, 'two'));
});

const inputShape = (file: string): number[] => {
  const sub = readModel(readFileSync(file)).subgraphs[0]!;
  return sub.tensors[sub.inputs[0]!]!.shape;
};

describe('borde convert: input shapes', () => {
  it('names the CLI flag when an input has unknown dimensions', async () => {
    const { code, stderr } = await runCli(['convert', dynamicModel, '-o', join(dir, 'x.tflite')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Input 'img' has unknown dimensions \[1, -1, -1, 3\].*--input-shape img:1,\.\.\..*--input-size HxW/);
  });

  it('--input-shape name:dims pins the input, and a bare shape does for a one-input model', async () => {
    const named = join(dir, 'named.tflite');
    const a = await runCli(['convert', dynamicModel, '-o', named, '--input-shape', 'img:1,32,24,3', '--json']);
    expect(a.stderr).not.toMatch(/error/);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).verify.passed).toBe(true);
    expect(inputShape(named)).toEqual([1, 32, 24, 3]);
    const bare = join(dir, 'bare.tflite');
    expect((await runCli(['convert', dynamicModel, '-o', bare, '--input-shape', '1,16,16,3'])).code).toBe(0);
    expect(inputShape(bare)).toEqual([1, 16, 16, 3]);
  });

  it('--input-size HxW or H,W alone pins the height and width of an image input', async () => {
    for (const [size, want] of [['64x48', [1, 64, 48, 3]], ['20,30', [1, 20, 30, 3]]] as const) {
      const out = join(dir, `size-${size.replace(',', '_')}.tflite`);
      const { code, stderr } = await runCli(['convert', dynamicModel, '-o', out, '--input-size', size]);
      expect(stderr).not.toMatch(/error/);
      expect(code).toBe(0);
      expect(inputShape(out)).toEqual(want);
    }
  });

  it('--input-shape alone also sets the size calibration images are resized to', async () => {
    const out = join(dir, 'int8.tflite');
    const photos = fileURLToPath(new URL('../../examples/kiosk/calibration', import.meta.url));
    const { code, stdout, stderr } = await runCli(['convert', dynamicModel, '-o', out, '--input-shape', 'img:1,40,40,3',
      '--quantize', 'int8', '--calibration', photos, '--json']);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).quantization.samples).toBe(1);
    expect(inputShape(out)).toEqual([1, 40, 40, 3]);
  });

  it('--input-shape for several inputs; bad names and bad shapes are clear errors', async () => {
    const out = join(dir, 'two.tflite');
    const ok = await runCli(['convert', twoInputs, '-o', out, '--input-shape', 'a:1,5', '--input-shape', 'b:1,5']);
    expect(ok.code).toBe(0);
    const bare = await runCli(['convert', twoInputs, '-o', out, '--input-shape', '1,5']);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/one-input model.*a, b/);
    const typo = await runCli(['convert', twoInputs, '-o', out, '--input-shape', 'a:1,5', '--input-shape', 'c:1,5']);
    expect(typo.stderr).toMatch(/'c', which is not an input.*a, b/);
    const usage = await runCli(['convert', twoInputs, '-o', out, '--input-shape', 'a:1,-5']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--input-shape expects name:dims/);
    const size = await runCli(['convert', twoInputs, '-o', out, '--input-size', '64by64']);
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/--input-size expects HxW/);
  });
});

describe('borde convert: cutting a graph', () => {
  it('--outputs exports an intermediate tensor and --inputs starts from one', async () => {
    const head = join(dir, 'head.tflite');
    const a = await runCli(['convert', dynamicModel, '-o', head, '--input-size', '16x16', '--outputs', 'act', '--json']);
    expect(a.code).toBe(0);
    const report = JSON.parse(a.stdout);
    expect(report.operators).toEqual({ CONV_2D: 1 });
    expect(report.verify.outputs.map((o: { name: string }) => o.name)).toEqual(['act']);
    const tail = join(dir, 'tail.tflite');
    const b = await runCli(['convert', dynamicModel, '-o', tail, '--inputs', 'conv', '--input-shape', 'conv:1,8,8,4', '--json']);
    expect(b.stderr).not.toMatch(/error/);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout).verify.passed).toBe(true);
    expect(inputShape(tail)).toEqual([1, 8, 8, 4]);
    const bad = await runCli(['convert', dynamicModel, '-o', tail, '--outputs', 'act:x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--outputs expects node names/);
  });
});
