// `borde inspect` runs the runtime's semantic verifier: a file whose structure is fine but whose operator
// cannot run (here a convolution with stride 0, which a synchronous kernel would loop on) exits 1 with one
// line naming the operator, the rule and the value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, Padding, writeModel } from '@borde/tflite';
import { runCli } from './support/run-cli.js';

function conv(strideH: number): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 4, 4, 1]);
  const w = b.constant('w', 'float32', [2, 3, 3, 1], new Float32Array(18).fill(0.25));
  const bias = b.constant('b', 'float32', [2], new Float32Array(2));
  b.output(b.op('CONV_2D', [x, w, bias], {
    optionsType: 'Conv2DOptions',
    options: { padding: Padding.SAME, strideW: 1, strideH, dilationWFactor: 1, dilationHFactor: 1, fusedActivationFunction: 0 },
  }, { name: 'y', dtype: 'float32', shape: [1, 4, 4, 2] }));
  return writeModel(b.build());
}

describe('borde inspect verifies semantics', () => {
  it('summarises a valid model and refuses a stride-0 convolution naming operator, rule and value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'borde-inspect-verify-'));
    writeFileSync(join(dir, 'good.tflite'), conv(1));
    writeFileSync(join(dir, 'bad.tflite'), conv(0));
    expect((await runCli(['inspect', join(dir, 'good.tflite')])).code).toBe(0);
    const { code, stdout, stderr } = await runCli(['inspect', join(dir, 'bad.tflite')]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: .*operators\[0\] \(CONV_2D\): options\.strideH: strideH is 0/);
  });
});
