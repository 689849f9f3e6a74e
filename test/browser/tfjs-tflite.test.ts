// The second official interpreter, @tensorflow/tfjs-tflite in real Chromium, agrees with LiteRT in Node on
// every real MediaPipe model it supports, refuses the others with an error (not a hang), and the page
// makes no request to anything but the local server.

import { ActivationFunctionType, GraphBuilder, writeModel } from '@borde/tflite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertFinite,
  assertOutputsClose,
  formatComparisons,
  mediapipeModels,
  openTfjsTflite,
  runLiteRt,
  seededInputs,
  isTfjsTflitePreloadMiss,
  type TfjsTfliteSession,
} from '../harness/index.js';

/** Models tfjs-tflite cannot run, and why: it has no MediaPipe custom ops (LiteRT has them). */
const REFUSED_BY_TFJS_TFLITE: Record<string, string> = {
  'selfie_segmentation.tflite': 'Convolution2DTransposeBias',
  'selfie_segmentation_landscape.tflite': 'Convolution2DTransposeBias',
};

/**
 * Two builds of TFLite/XNNPACK (tfjs-tflite's and LiteRT's) sum in different orders; measured here the
 * largest difference is about 1e-6 of an output's range. A real bug (wrong op, wrong weights) shows up
 * orders of magnitude above this.
 */
const TOLERANCE = { rtol: 1e-5 };

const models = mediapipeModels();
const supported = models.filter((m) => !(m.file in REFUSED_BY_TFJS_TFLITE));
const refused = models.filter((m) => m.file in REFUSED_BY_TFJS_TFLITE);

let session: TfjsTfliteSession;

beforeAll(async () => {
  session = await openTfjsTflite({ timeoutMs: 30_000 });
  console.log(`tfjs-tflite page (tfjs + tfjs-tflite scripts) loaded in ${session.pageLoadMs.toFixed(0)} ms`);
});

afterAll(async () => {
  await session?.close();
});

describe('tfjs-tflite in Chromium', () => {
  it('knows every real model: supported or refused with a reason', () => {
    for (const file of Object.keys(REFUSED_BY_TFJS_TFLITE)) expect(models.map((m) => m.file)).toContain(file);
    expect(supported.length).toBeGreaterThanOrEqual(3);
  });

  it.each(supported.map((m) => [m.id, m] as const))('agrees with LiteRT in Node on %s', async (_id, model) => {
    const bytes = model.bytes();
    const loaded = await session.load(bytes);
    try {
      const inputs = seededInputs(loaded.inputs, 1);
      const first = await loaded.run(inputs);
      const second = await loaded.run(inputs);
      const reference = await runLiteRt(bytes, inputs);

      expect(first.outputs.map((t) => t.name)).toEqual(reference.map((t) => t.name));
      assertFinite(first.outputs);
      // Deterministic within the browser.
      assertOutputsClose(second.outputs, first.outputs, { atol: 0 });
      const figures = assertOutputsClose(first.outputs, reference, TOLERANCE);
      console.log(
        `${model.file}: load ${loaded.loadMs.toFixed(1)} ms, first run ${first.runMs.toFixed(1)} ms, ` +
          `second run ${second.runMs.toFixed(1)} ms\n${formatComparisons(figures)}`,
      );
    } finally {
      await loaded.close();
    }
  });

  it.each(refused.map((m) => [m.id, m] as const))('refuses %s with an error, not a hang', async (_id, model) => {
    const bytes = model.bytes();
    // The reason is real: the model carries the custom op.
    expect(Buffer.from(bytes).includes(REFUSED_BY_TFJS_TFLITE[model.file]!)).toBe(true);
    const started = performance.now();
    // The session's 30 s timeout would say "did not finish"; a refusal is the interpreter's own error.
    const reason = REFUSED_BY_TFJS_TFLITE[model.file]!;
    await expect(session.load(bytes)).rejects.toThrow(new RegExp(`tfjs-tflite refused the model: .*unresolved custom op: ${reason}`));
    console.log(`${model.file}: refused after ${(performance.now() - started).toFixed(0)} ms`);
  });

  it('carries int8 tensors both ways exactly (a hand-built full-int8 FULLY_CONNECTED model)', async () => {
    const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint], quantizedDimension: 0 });
    const b = new GraphBuilder();
    const x = b.input('x', 'int8', [1, 16], { quantization: q(1 / 64, -3) });
    const w = b.constant('w', 'int8', [8, 16], Int8Array.from({ length: 128 }, (_, i) => ((i * 37) % 255) - 127), {
      quantization: q(1 / 100, 0),
    });
    const bias = b.constant('bias', 'int32', [8], Int32Array.from({ length: 8 }, (_, i) => (i - 4) * 50), {
      quantization: q(1 / 6400, 0),
    });
    const y = b.op('FULLY_CONNECTED', [x, w, bias],
      { optionsType: 'FullyConnectedOptions', options: { fusedActivationFunction: ActivationFunctionType.NONE } },
      { name: 'y', dtype: 'int8', shape: [1, 8], quantization: q(1 / 8, 5) });
    b.output(y);
    const bytes = writeModel(b.build());
    const loaded = await session.load(bytes);
    try {
      expect(loaded.inputs.map((d) => d.dtype)).toEqual(['int8']);
      expect(loaded.outputs.map((d) => d.dtype)).toEqual(['int8']);
      const inputs = seededInputs(loaded.inputs, 4);
      const { outputs } = await loaded.run(inputs);
      const reference = await runLiteRt(bytes, inputs);
      expect(outputs[0]!.data).toBeInstanceOf(Int8Array);
      // Not saturated: the test would not see a lost sign or a wrong byte order otherwise.
      expect(new Set(outputs[0]!.data as Int8Array).size).toBeGreaterThan(3);
      assertOutputsClose(outputs, reference, {});
    } finally {
      await loaded.close();
    }
  });

  it('made no request outside the local server, and found every file it needed', () => {
    expect(session.browser.outsideRequests).toEqual([]);
    // The only miss is tfjs-tflite's own preload from its default path, made before setWasmPath can run.
    expect(session.browser.server.notFound.filter((path) => !isTfjsTflitePreloadMiss(path))).toEqual([]);
    expect(session.browser.server.requested).toContain('/tfjs-tflite/wasm/tflite_web_api_cc_simd.wasm');
  });
});
