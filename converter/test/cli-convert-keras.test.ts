// `borde convert` on Keras files: told apart by content, verified against the imported graph on tfjs,
// and quantized like any other source.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readModel } from '@borde/tflite';
import { BREAST_CANCER_SPLIT_SEED, breastCancerSplit } from '@borde/models';
import { runCli } from './support/run-cli.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/keras/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'borde-cli-keras-'));

describe('borde convert <Keras file>', () => {
  it('converts a two-input two-output .keras file, whatever its name, verified output by output', async () => {
    // A name that says nothing: detection reads the zip and finds config.json.
    const source = join(dir, 'two-in-two-out.bin');
    copyFileSync(join(FIXTURES, 'two-in-two-out/model.keras'), source);
    const out = join(dir, 'two.tflite');
    const { code, stdout, stderr } = await runCli(['convert', source, '-o', out, '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.format).toBe('keras');
    expect(report.verify.passed).toBe(true);
    expect(report.verify.reference).toMatch(/tfjs engine/);
    expect(report.verify.outputs.map((o: { name: string }) => o.name).sort()).toEqual(['box', 'label']);
    const signature = readModel(readFileSync(out)).signatures[0]!;
    expect(signature.inputs.map((s) => s.name)).toEqual(['image', 'meta']);
    expect(signature.outputs.map((s) => s.name)).toEqual(['label', 'box']);
  });

  it('quantizes the tutorial .h5 to int8 with CSV calibration and evaluation', async () => {
    const split = breastCancerSplit(BREAST_CANCER_SPLIT_SEED);
    const csv = (rows: typeof split.test) => ['f1,f2,f3,f4,f5,f6,f7,f8,f9,label', ...rows.map((r) => [...r.features, r.label].join(','))].join('\n');
    writeFileSync(join(dir, 'train.csv'), csv(split.train));
    writeFileSync(join(dir, 'test.csv'), csv(split.test));
    const out = join(dir, 'bcw-int8.tflite');
    const { code, stdout, stderr } = await runCli([
      'convert', join(FIXTURES, 'bcw-tutorial/model.h5'), '-o', out, '--quantize', 'int8',
      '--calibration', join(dir, 'train.csv'), '--label-column', 'label', '--eval', join(dir, 'test.csv'), '--json',
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.format).toBe('keras-h5');
    expect(report.mode).toBe('int8');
    expect(report.quantization.evaluation.samples).toBe(82);
    expect(report.accuracy.int8).toBeGreaterThan(0.9);
  });

  it('refuses a truncated .keras file with a one-line message and exit code 1', async () => {
    const bytes = readFileSync(join(FIXTURES, 'small-cnn/model.keras'));
    const source = join(dir, 'cut.keras');
    writeFileSync(source, bytes.subarray(0, bytes.byteLength >> 1));
    const { code, stderr } = await runCli(['convert', source, '-o', join(dir, 'cut.tflite')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/truncated or damaged/);
  });
});
