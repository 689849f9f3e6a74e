import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediapipeModels } from '@borde/test/harness';
import { runCli } from './support/run-cli.js';

const faceModel = mediapipeModels().find((m) => m.file === 'face_detection_short_range.tflite')!;

describe('borde inspect', () => {
  it('prints a readable summary of a real model', async () => {
    const { code, stdout, stderr } = await runCli(['inspect', faceModel.path]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/inputs\n\s+#\d+\s+input\s+float32\s+\[1, 128, 128, 3\]/);
    expect(stdout).toMatch(/CONV_2D\s+\d+/);
    expect(stdout).toMatch(/parameters\s+[\d,]+ \(float16/);
  });

  it('prints JSON with inputs, outputs, operators, tensors and size', async () => {
    const { code, stdout } = await runCli(['inspect', faceModel.path, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.sizeBytes).toBe(faceModel.bytes().byteLength);
    expect(json.inputs[0]).toMatchObject({ dtype: 'float32', shape: [1, 128, 128, 3] });
    expect(json.outputs.length).toBe(2);
    expect(json.operators[0]).toMatchObject({ index: 0, opcode: expect.any(String), inputs: expect.any(Array), outputs: expect.any(Array) });
    expect(json.operators.some((op: { opcode: string }) => op.opcode === 'DEQUANTIZE')).toBe(true);
    expect(json.tensors).toBeGreaterThan(100);
  });

  it('names custom operators as custom:<name>', async () => {
    const selfie = mediapipeModels().find((m) => m.file === 'selfie_segmentation.tflite')!;
    const { stdout } = await runCli(['inspect', selfie.path, '--json']);
    expect(JSON.parse(stdout).opHistogram['custom:Convolution2DTransposeBias']).toBeGreaterThan(0);
  });

  it('exits 1 with a one-line message on bad files, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'borde-inspect-'));
    const good = faceModel.bytes();
    const wrongId = good.slice();
    wrongId.set([0x58, 0x58, 0x58, 0x58], 4);
    const bad: Record<string, Uint8Array> = {
      'empty.tflite': new Uint8Array(0),
      'truncated.tflite': good.slice(0, 1000),
      'wrong-identifier.tflite': wrongId,
      'text.tflite': new TextEncoder().encode('not a model at all'),
    };
    for (const [name, bytes] of Object.entries(bad)) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const { code, stdout, stderr } = await runCli(['inspect', path]);
      expect(code, name).toBe(1);
      expect(stdout, name).toBe('');
      expect(stderr.trimEnd().split('\n'), name).toHaveLength(1);
      expect(stderr, name).toMatch(/^error: /);
    }
  });

  it('says which file is missing', async () => {
    const { code, stderr } = await runCli(['inspect', 'no/such/model.tflite']);
    expect(code).toBe(1);
    expect(stderr).toBe('error: model not found: no/such/model.tflite\n');
  });

  it('prints the stack only with --debug', async () => {
    const { stderr } = await runCli(['inspect', 'no/such/model.tflite', '--debug']);
    expect(stderr).toMatch(/\n\s+at /);
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['inspect'])).code).toBe(2);
    expect((await runCli(['no-such-command'])).code).toBe(2);
    expect((await runCli(['inspect', faceModel.path, '--no-such-flag'])).code).toBe(2);
    expect((await runCli(['--help'])).code).toBe(0);
  });
});
