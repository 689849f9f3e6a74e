import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../src/convert.js';
import { GraphFixture, s } from './support/graph-fixture.js';

// The source tfjs model is the judge of a conversion; it runs on tfjs' wasm backend (XNNPACK) for speed, and
// on cpu when wasm lacks one of its kernels. Either way the verdict is the same, and an app's own tfjs
// backend is left as it was.

const dir = mkdtempSync(join(tmpdir(), 'borde-reference-backend-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function convNet(): GraphFixture {
  const g = new GraphFixture();
  const x = g.placeholder('x', [1, 8, 8, 3]);
  const conv = g.op('conv', 'Conv2D', [x, g.random('w', [3, 3, 3, 4])], { strides: { list: { i: ['1', '1', '1', '1'] } }, padding: s('SAME') });
  g.op('out', 'Relu', [g.op('biasadd', 'BiasAdd', [conv, g.random('bias', [4])])]);
  return g;
}

/** Einsum: a kernel tfjs-backend-wasm 4.22 does not register. */
function einsumNet(): GraphFixture {
  const g = new GraphFixture();
  const x = g.placeholder('x', [2, 3, 4]);
  g.op('out', 'Einsum', [x, g.random('w', [4, 5])], { equation: s('abc,cd->abd'), N: { i: '2' } });
  return g;
}

describe('the tfjs reference backend', () => {
  it('runs the source model on wasm and gives tfjs its backend back', async () => {
    const { report } = await convert(await convNet().save(join(dir, 'conv')));
    expect(report.verify!.reference).toMatch(/^tfjs [\d.]+ graph \(wasm\)$/);
    expect(report.verify!.passed).toBe(true);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('moves to cpu when wasm lacks a kernel the model needs, and still verifies it', async () => {
    expect(tf.getKernel('Einsum', 'wasm')).toBeUndefined(); // else this test proves nothing: pick another op
    const { report } = await convert(await einsumNet().save(join(dir, 'einsum')));
    expect(report.verify!.reference).toMatch(/^tfjs [\d.]+ graph \(cpu\)$/);
    expect(report.verify!.passed).toBe(true);
    expect(report.verify!.maxRelError).toBeLessThan(1e-5);
    expect(tf.getBackend()).toBe('cpu');
  });
});
