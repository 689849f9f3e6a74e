import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModel } from '@borde/tflite';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

// `borde convert <SavedModel folder>`: detected by its saved_model.pb, converted, verified in LiteRT.
const SAVED_MODEL = fileURLToPath(new URL('./fixtures/keras/two-in-two-out/saved_model', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'borde-cli-savedmodel-'));

describe('borde convert <saved_model dir>', () => {
  it('converts the serving signature to float32 and verifies it, keeping the signature names', async () => {
    const out = join(dir, 'two.tflite');
    const { code, stdout, stderr } = await runCli(['convert', SAVED_MODEL, '-o', out, '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.format).toBe('savedmodel');
    expect(report.verify.passed).toBe(true);
    expect(report.verify.outputs.map((o: { name: string }) => o.name).sort()).toEqual(['output_0', 'output_1']);
    const signature = readModel(readFileSync(out)).signatures[0]!;
    expect(signature.inputs.map((t) => t.name).sort()).toEqual(['image', 'meta']);
  });

  it('takes another signature with --signature, and names the choices for an unknown one', async () => {
    const ok = await runCli(['convert', join(SAVED_MODEL, 'saved_model.pb'), '-o', join(dir, 'serve.tflite'), '--signature', 'serve', '--no-verify']);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await runCli(['convert', SAVED_MODEL, '-o', join(dir, 'never.tflite'), '--signature', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no signature 'nope'.*--signature/);
  });
});
