// The real MediaPipe models (float16 weights, DENSIFY, the custom Convolution2DTransposeBias) run op by op on
// tfjs and compared with the official interpreter, LiteRT, on the same input.
import { afterAll, describe, expect, it } from 'vitest';
import { readModel } from '@borde/tflite';
import { createExecutor } from '../src/index.js';
import { runLiteRt } from '../src/node.js';
import { mediapipeModels } from '../../../test/harness/models.js';

/** A bright ellipse (a "person") on a striped background: enough structure for non-trivial outputs. */
function sceneInput(h: number, w: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: h * w * 3 }, (_, i) => {
    const p = Math.floor(i / 3);
    const y = Math.floor(p / w) / h;
    const x = (p % w) / w;
    const inside = ((x - 0.5) / 0.25) ** 2 + ((y - 0.55) / 0.4) ** 2 < 1;
    const v = inside ? 0.8 - 0.09 * (i % 3) : 0.2 + 0.1 * Math.sin(x * 20);
    return lo + (hi - lo) * v;
  });
}

const measured: string[] = [];
afterAll(() => console.log(`max |Borde − LiteRT| per model output:\n${measured.join('\n')}`));

describe.each(mediapipeModels().map((m) => [m.file, m] as const))('%s', (_file, model) => {
  const bytes = model.bytes();
  const graph = readModel(bytes);
  const input = graph.subgraphs[0]!.tensors[graph.subgraphs[0]!.inputs[0]!]!;
  const [, h, w] = input.shape as [number, number, number, number];
  // Face detection takes [-1, 1], selfie segmentation [0, 1].
  const data = model.file.startsWith('face') ? sceneInput(h, w, -1, 1) : sceneInput(h, w, 0, 1);
  let reference: Awaited<ReturnType<typeof runLiteRt>> | undefined;
  const official = async () => (reference ??= await runLiteRt(bytes, [{ dtype: 'float32', shape: input.shape, data }]));

  it.each(['wasm', 'cpu'])('matches LiteRT on %s', async (backend) => {
    const exec = await createExecutor(graph, { backends: [backend] });
    try {
      expect(new Set(exec.placement.map((p) => p.backend))).toEqual(new Set([backend, 'load']));
      const { outputs } = await exec.run([data]);
      const lite = await official();
      expect(outputs.map((o) => o.shape)).toEqual(lite.map((l) => [...l.shape]));
      outputs.forEach((o, i) => {
        const ours = o.data as Float32Array;
        const theirs = lite[i]!.data as Float32Array;
        let err = 0;
        let peak = 0;
        for (let k = 0; k < theirs.length; k++) {
          err = Math.max(err, Math.abs(ours[k]! - theirs[k]!));
          peak = Math.max(peak, Math.abs(theirs[k]!));
        }
        measured.push(`  ${model.file} ${o.name} on ${backend}: ${err.toExponential(2)} (max |value| ${peak.toFixed(3)})`);
        expect(peak, 'the input must give a non-trivial output for the comparison to mean anything').toBeGreaterThan(0.1);
        // float32 rounding noise only (order of accumulation, XNNPACK's sigmoid/hard-swish approximations):
        // measured up to 1.5e-4 on the [0, 1] segmentation masks and 3e-4 on face outputs of magnitude ~125.
        expect(err).toBeLessThanOrEqual(Math.max(5e-4, 1e-5 * peak));
      });
    } finally {
      exec.dispose();
    }
  });

  it('returns every activation with keep "all"', async () => {
    const exec = await createExecutor(graph, { backends: ['wasm'] });
    try {
      const { tensors, outputs } = await exec.run([data], { keep: 'all' });
      const sg = graph.subgraphs[0]!;
      const folded = new Set(exec.placement.filter((p) => p.backend === 'load').flatMap((p) => sg.operators[p.index]!.outputs));
      const activations = new Set([...sg.inputs, ...sg.operators.flatMap((op) => op.outputs)].filter((t) => !folded.has(t)));
      expect(new Set(tensors!.keys())).toEqual(activations);
      for (const [index, values] of tensors!) expect(values.length).toBe(sg.tensors[index]!.shape.reduce((a, b) => a * b, 1));
      expect(Array.from(tensors!.get(outputs[0]!.index)!)).toEqual(Array.from(outputs[0]!.data as Float32Array));
    } finally {
      exec.dispose();
    }
  });
});
