import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModel } from '@borde/tflite';
import { createRng } from '@borde/converter/verify';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { int8SpecViolations } from './support/int8-spec.js';

// `borde convert model.onnx`: the exported ResNet-style fixture to float32 and int8, verified against ONNX
// Runtime; and bad ONNX input refused with the reason, nothing written.

const fixtures = new URL('./fixtures/onnx/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'borde-cli-onnx-'));
const calibration = join(dir, 'calibration.json');

beforeAll(() => {
  // Smooth seeded images in the written model's layout, NHWC [1, 32, 32, 3].
  const rng = createRng(7);
  const samples = Array.from({ length: 48 }, () => {
    const [a, b, c] = [rng() * 0.3, rng() * 0.3, rng() * 6];
    const data: number[] = [];
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let ch = 0; ch < 3; ch++) data.push(Math.sin(a * x + b * y + c + ch) + (rng() - 0.5) * 0.2);
    return { data, shape: [1, 32, 32, 3] };
  });
  writeFileSync(calibration, JSON.stringify(samples));
});

describe('borde convert <model.onnx>', () => {
  it('converts to float32 with NHWC input, verified against ONNX Runtime, and says the input layout', async () => {
    const out = join(dir, 'resnet.tflite');
    const { code, stdout, stderr } = await runCli(['convert', join(fixtures, 'resnetish-opset13.onnx'), '-o', out, '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.format).toBe('onnx');
    expect(report.verify.reference).toMatch(/ONNX Runtime/);
    expect(report.verify.passed).toBe(true);
    expect(report.operators.TRANSPOSE).toBeUndefined();
    expect(report.warnings.join('\n')).toMatch(/input 'image' is NHWC in the written model/);
    const sub = readModel(readFileSync(out)).subgraphs[0]!;
    expect(sub.tensors[sub.inputs[0]!]!.shape).toEqual([1, 32, 32, 3]);
  }, 60_000);

  it('says in the plain report that the image input is NHWC, and reads external weights beside the model', async () => {
    const image = await runCli(['convert', join(fixtures, 'mobilenetish-opset13.onnx'), '-o', join(dir, 'mobilenet.tflite')]);
    expect(image.code, image.stderr).toBe(0);
    expect(image.stdout).toMatch(/input 'image' is NHWC in the written model .*give calibration and evaluation data as NHWC/);
    const external = await runCli(['convert', join(fixtures, 'mlp-external.onnx'), '-o', join(dir, 'mlp.tflite'), '--json']);
    expect(external.code, external.stderr).toBe(0);
    expect(JSON.parse(external.stdout).verify.passed).toBe(true);
  }, 60_000);

  it('keeps NCHW input with --keep-nchw-io', async () => {
    const out = join(dir, 'resnet-nchw.tflite');
    const { code, stdout } = await runCli(['convert', join(fixtures, 'resnetish-opset13.onnx'), '-o', out, '--keep-nchw-io', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).operators.TRANSPOSE).toBe(1);
    const sub = readModel(readFileSync(out)).subgraphs[0]!;
    expect(sub.tensors[sub.inputs[0]!]!.shape).toEqual([1, 3, 32, 32]);
  }, 60_000);

  it('converts to full-integer int8 with NHWC calibration data, within the int8 top-1 agreement budget', async () => {
    const out = join(dir, 'resnet-int8.tflite');
    const { code, stdout, stderr } = await runCli(['convert', join(fixtures, 'resnetish-opset18.onnx'), '-o', out, '--quantize', 'int8', '--calibration', calibration, '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.mode).toBe('int8');
    expect(report.quantization.floatOps).toEqual([]);
    expect(int8SpecViolations(readFileSync(out), { io: 'float' })).toEqual([]);
    // Exit 0 with no float ops: the logits met the default quality budget all-int8 (held-out 20% of the
    // calibration images), and the report says so output by output.
    const [logits] = report.quantization.evaluation.outputs;
    expect(report.quantization.evaluation.on).toBe('held-out');
    expect(logits.p99Error).toBeLessThanOrEqual(0.1);
    expect(logits.sqnrDb).toBeGreaterThan(20);
  }, 120_000);

  it('refuses a corrupt file, a missing external data file and an op of another domain, writing nothing', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    const bytes = readFileSync(join(fixtures, 'resnetish-opset13.onnx'));
    writeFileSync(corrupt, bytes.subarray(0, Math.floor(bytes.byteLength * 0.6)));
    const lonely = join(dir, 'mlp-external.onnx');
    copyFileSync(join(fixtures, 'mlp-external.onnx'), lonely); // its .data file left behind
    const cases: [string, RegExp][] = [
      [corrupt, /not a valid ONNX file/],
      [lonely, /external data file 'mlp-external.onnx.data', which was not found/],
      [join(fixtures, 'other-domain.onnx'), /FusedGelu.*domain 'com.microsoft'/],
      // An opset-6 PyTorch export (ONNX's own test data) that ONNX Runtime, the judge, cannot run.
      [join(fixtures, 'debian-opset6-batchnorm.onnx'), /ONNX Runtime, the reference .* cannot run the model .*BatchNormalization\(6\).*--no-verify/],
    ];
    for (const [source, message] of cases) {
      const out = join(dir, 'never.tflite');
      const { code, stderr } = await runCli(['convert', source, '-o', out]);
      expect(code).toBe(1);
      expect(stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);
});
