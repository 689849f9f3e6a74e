import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel } from '@borde/tflite';
import { readCalibrationStats, type ValuesFeature } from '@borde/runtime';
import { saveLayersModelToDir } from '@borde/models';
import { createRng } from '@borde/converter/verify';
import { runCli } from './support/run-cli.js';
import { int8SpecViolations } from './support/int8-spec.js';
import { readFileSync } from 'node:fs';

// A small tabular classifier like the tutorial's, saved the way tfjs saves models, plus CSV data.
const dir = mkdtempSync(join(tmpdir(), 'borde-cli-convert-'));
const modelDir = join(dir, 'model');
const csv = join(dir, 'data.csv');

beforeAll(async () => {
  const rng = createRng(3);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [9], units: 18, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  await saveLayersModelToDir(model, modelDir);
  model.dispose();
  const rows = ['f1,f2,f3,f4,f5,f6,f7,f8,f9,label'];
  for (let i = 0; i < 120; i++) {
    rows.push([...Array.from({ length: 9 }, () => (1 + Math.floor(rng() * 10)) / 10), i % 2].join(','));
  }
  writeFileSync(csv, `${rows.join('\n')}\n`);
});

describe('borde convert', () => {
  it('converts to float32, verifies in LiteRT and reports JSON', async () => {
    const out = join(dir, 'float32.tflite');
    const { code, stdout, stderr } = await runCli(['convert', join(modelDir, 'model.json'), '-o', out, '--json']);
    expect(stderr).toMatch(/verify: /); // progress goes to stderr as plain lines when not a TTY
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ source: expect.any(String), output: out, sourceBytes: expect.any(Number), outputBytes: expect.any(Number) });
    expect(report.operators).toEqual({ FULLY_CONNECTED: 2, LOGISTIC: 1 });
    expect(report.verify.passed).toBe(true);
    expect(report.verify.maxRelError).toBeLessThan(1e-4);
    expect(report.verify.interpreter).toMatch(/LiteRT/);
    expect(readModel(readFileSync(out)).subgraphs[0]!.operators.length).toBe(3);
  });

  it('converts to full-integer int8 with CSV calibration and labelled evaluation', async () => {
    const out = join(dir, 'int8.tflite');
    const { code, stdout, stderr } = await runCli([
      'convert', modelDir, '-o', out, '--quantize', 'int8', '--calibration', csv, '--label-column', 'label',
      '--eval', csv, '--json',
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.mode).toBe('int8');
    expect(report.quantization).toMatchObject({ mode: 'int8', method: 'minmax', samples: 120, io: 'float', floatOps: [] });
    // The report shape issue #4 asks for, at the top level.
    expect(report.accuracy).toEqual({ float: expect.any(Number), int8: expect.any(Number) });
    expect(report.agreement).toBeGreaterThan(0.9);
    expect(report.layers[0]).toEqual({ name: expect.any(String), sqnrDb: expect.any(Number) });
    expect(report.sizeRatio).toBeGreaterThan(0);
    expect(int8SpecViolations(readFileSync(out), { io: 'float' })).toEqual([]);
  });

  it('writes int8 model inputs and outputs with --io int8 and reports their parameters', async () => {
    const out = join(dir, 'int8-io.tflite');
    const { code, stdout } = await runCli(['convert', modelDir, '-o', out, '--quantize', 'int8', '--io', 'int8',
      '--calibration', csv, '--label-column', 'label', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.quantization.ioParams).toHaveLength(2);
    expect(report.quantization.ioParams[1]).toMatchObject({ scale: 1 / 256, zeroPoint: -128 }); // sigmoid output
    expect(int8SpecViolations(readFileSync(out), { io: 'int8' })).toEqual([]);
    // Drift statistics (issue #16) from the int8-in, int8-out model: inputs quantized to run it, outputs
    // dequantized, so the sigmoid's quantiles are probabilities.
    const stats = readCalibrationStats(readModel(readFileSync(out)).metadata)!;
    expect(report.calibrationStats).toEqual({ samples: 120, bytes: expect.any(Number) });
    const [output] = stats.outputs;
    const values = output!.features[0] as ValuesFeature;
    expect(values.quantiles[0]).toBeGreaterThanOrEqual(0);
    expect(values.quantiles.at(-1)).toBeLessThanOrEqual(1);
    expect(values.quantiles.at(-1)).toBeGreaterThan(values.quantiles[0]!);
    const without = join(dir, 'int8-no-stats.tflite');
    expect((await runCli(['convert', modelDir, '-o', without, '--quantize', 'int8', '--calibration', csv, '--label-column', 'label', '--no-calibration-stats'])).code).toBe(0);
    expect(readCalibrationStats(readModel(readFileSync(without)).metadata)).toBeUndefined();
  });

  it('refuses int8 without calibration data, saying what to pass', async () => {
    const out = join(dir, 'never.tflite');
    const { code, stderr } = await runCli(['convert', modelDir, '-o', out, '--quantize', 'int8']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--calibration/);
    expect(stderr).toMatch(/--quantize dynamic/);
    expect(existsSync(out)).toBe(false);
  });

  it('leaves no file behind when a conversion fails', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n');
    const out = join(dir, 'failed.tflite');
    const { code, stderr } = await runCli(['convert', modelDir, '-o', out, '--quantize', 'int8', '--calibration', bad]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.startsWith('failed') || f.startsWith('.failed'))).toEqual([]);
  });

  it('writes float16 weights at about half the float32 size', async () => {
    const out = join(dir, 'float16.tflite');
    const { code, stdout } = await runCli(['convert', modelDir, '-o', out, '--float16', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.mode).toBe('float16');
    expect(report.operators.DEQUANTIZE).toBe(4);
    expect(report.verify.maxRelError).toBeLessThan(1e-2);
  });

  it('quantizes weights only in dynamic mode, and the hybrid model runs in LiteRT', async () => {
    const out = join(dir, 'dynamic.tflite');
    const { code, stdout, stderr } = await runCli(['convert', modelDir, '-o', out, '--quantize', 'dynamic',
      '--dynamic-min-elements', '1', '--eval', csv, '--label-column', 'label', '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.quantization.quantizedWeights).toHaveLength(2);
    expect(report.quantization.evaluation.agreement).toBeGreaterThan(0.9);
    const graph = readModel(readFileSync(out));
    const sg = graph.subgraphs[0]!;
    const weights = sg.operators.filter((op) => op.opcode === 'FULLY_CONNECTED').map((op) => sg.tensors[op.inputs[1]!]!);
    expect(weights.map((w) => w.dtype)).toEqual(['int8', 'int8']);
    expect(sg.tensors[sg.inputs[0]!]!.dtype).toBe('float32');
    expect(report.outputBytes).toBeLessThan(report.float32Bytes);
  });

  it('reports usage errors with exit code 2', async () => {
    expect((await runCli(['convert', modelDir])).code).toBe(2); // no -o
    expect((await runCli(['convert', modelDir, '-o', 'x.tflite', '--quantize', 'int4'])).code).toBe(2);
    expect((await runCli(['convert', modelDir, '-o', 'x.tflite', '--samples', 'many'])).code).toBe(2);
  });

  it('names a missing source', async () => {
    const { code, stderr } = await runCli(['convert', join(dir, 'nope/model.json'), '-o', join(dir, 'x.tflite')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/not found: .*nope/);
  });
});
