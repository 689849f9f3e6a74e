// Conformance of @borde/runtime on the models Borde ships (models/), float32 and int8 as the converter
// writes them: every engine/backend Node has, against LiteRT run directly on the same inputs.
// (The MediaPipe models get the same treatment in packages/runtime/test/load-model.test.ts, and in
// Chromium in test/browser/runtime.test.ts.)
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convert } from '@borde/converter';
import { loadModel } from '@borde/runtime';
import { openLiteRtModel, type TensorValue } from '@borde/runtime/node';
import { compareTensors } from '@borde/converter/verify';
import { BREAST_CANCER_MODEL, FASHION_MNIST_MODEL, breastCancerData, fashionMnistData } from '../../converter/test/support/model-data.js';

const BACKENDS = ['litert-wasm', 'wasm', 'cpu'] as const;
const measured: string[] = [];
afterAll(() => console.log(`runtime vs LiteRT on the shipped models:\n${measured.join('\n')}`));

interface Case {
  name: string;
  bytes: Uint8Array;
  samples: TensorValue[][];
  /** Allowed error: float models 1e-4 of the output range; int8 models one output quantization step (README). */
  tolerance: (output: TensorValue) => { abs?: number; rel?: number };
}

const cases: Case[] = [];

async function addModel(name: string, source: string, data: { calibration: TensorValue[][]; test: { samples: TensorValue[][] } }) {
  const samples = data.test.samples.slice(0, 8);
  const float = await convert(source, { verify: false });
  cases.push({ name: `${name} float32`, bytes: float.bytes, samples, tolerance: () => ({ rel: 1e-4 }) });
  const int8 = await convert(source, { quantize: 'int8', calibration: data.calibration, verify: false });
  // With float model I/O the outputs are dequantized: one step of the int8 tensor feeding DEQUANTIZE.
  const sub = int8.graph.subgraphs[0]!;
  const stepOf = (outputIndex: number) => {
    const producer = sub.operators.find((op) => op.outputs.includes(sub.outputs[outputIndex]!))!;
    return sub.tensors[producer.inputs[0]!]!.quantization!.scale[0]!;
  };
  cases.push({ name: `${name} int8`, bytes: int8.bytes, samples, tolerance: () => ({ abs: stepOf(0) }) });
}

beforeAll(async () => {
  await addModel('breast-cancer', BREAST_CANCER_MODEL, breastCancerData());
  if (existsSync(FASHION_MNIST_MODEL)) await addModel('fashion-mnist', FASHION_MNIST_MODEL, fashionMnistData(8));
}, 120_000);

describe('runtime on the shipped models', () => {
  it('covers both precisions of every shipped model', () => {
    expect(cases.map((c) => c.name)).toContain('breast-cancer int8');
  });

  for (const backend of BACKENDS) {
    it(`${backend} agrees with LiteRT on every shipped model`, async () => {
      for (const c of cases) {
        const reference = await openLiteRtModel(c.bytes);
        const model = await loadModel(c.bytes, { backend });
        try {
          let worst = 0;
          for (const sample of c.samples) {
            const want = await reference.run(sample);
            const got = await model.run(sample.map((t) => ({ data: t.data as Float32Array, shape: [...t.shape] })));
            for (const w of want) {
              const g = got.find((o) => o.name === w.name)!;
              const cmp = compareTensors({ name: w.name, dtype: w.dtype, shape: g.shape, data: g.data as Float32Array }, w);
              const { abs, rel } = c.tolerance(w);
              if (abs !== undefined) expect(cmp.maxAbsError, `${c.name} on ${backend}: ${w.name}`).toBeLessThanOrEqual(abs + 1e-7);
              if (rel !== undefined) expect(cmp.maxRelError, `${c.name} on ${backend}: ${w.name}`).toBeLessThanOrEqual(rel);
              worst = Math.max(worst, cmp.maxAbsError);
            }
          }
          measured.push(`${c.name.padEnd(22)} ${backend.padEnd(12)} max abs ${worst.toExponential(2)}`);
        } finally {
          model.dispose();
          reference.close();
        }
      }
    }, 120_000);
  }

  // A camera loop refills one buffer and calls run() again before the last run finished: each queued run must
  // give the result of the values it was called with (inputs are copied at the call), on every engine.
  for (const backend of BACKENDS) {
    it(`${backend}: 100 queued runs refilling one buffer give the results of their own inputs`, async () => {
      for (const c of cases) {
        const model = await loadModel(c.bytes, { backend });
        try {
          const [input] = c.samples[0]!;
          const expected: Float32Array[] = [];
          for (const sample of c.samples) expected.push((await model.run(sample[0]!.data as Float32Array))[0]!.data as Float32Array);
          const buffer = new Float32Array(input!.data.length);
          const queued: Promise<{ data: unknown }[]>[] = [];
          for (let k = 0; k < 100; k++) {
            buffer.set(c.samples[k % c.samples.length]![0]!.data as Float32Array);
            queued.push(model.run({ data: buffer, shape: [...input!.shape] }));
          }
          const results = await Promise.all(queued);
          const wrong = results.filter((r, k) => !sameValues(r[0]!.data as Float32Array, expected[k % expected.length]!)).length;
          expect(wrong, `${c.name} on ${backend}: runs that did not get their own input`).toBe(0);
          // Zero-copy is opt-in: the caller promises not to touch the buffer until the run settles.
          buffer.set(c.samples[1]![0]!.data as Float32Array);
          const [zeroCopy] = await model.run(buffer, { copy: false });
          expect(sameValues(zeroCopy!.data as Float32Array, expected[1]!)).toBe(true);
        } finally {
          model.dispose();
        }
      }
    }, 120_000);
  }
});

function sameValues(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
