// Issue #10: `--quantize int16x8` (TFLite's 16x8 mode: int16 symmetric activations, int8 per-channel weights,
// int64 biases). The official interpreter (LiteRT) runs the files, the runtime's verifier accepts them, and
// they track the float model far closer than int8 does.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModel, verifyGraph, writeModel, type Graph } from '@borde/tflite';
import { seededInputs } from '@borde/converter/verify';
import { createExecutor } from '@borde/runtime';
import { openLiteRtModel } from '@borde/runtime/node';
import { convert } from '../src/convert.js';
import { FASHION_MNIST_MODEL, fashionMnistData } from './support/model-data.js';
import { twoHeadModel, twoHeadSamples } from './support/two-head-model.js';
import { runCli } from './support/run-cli.js';
import { calibrate } from '../src/quantize/calibrate.js';
import { quantizeInt8 } from '../src/quantize/quantize-int8.js';
import { tinyCnn } from './support/tiny-cnn.js';

const graph = tinyCnn();
const dir = mkdtempSync(join(tmpdir(), 'borde-int16-'));
const tmpFile = (bytes: Uint8Array): string => {
  const path = join(dir, `model-${Math.random().toString(36).slice(2)}.tflite`);
  writeFileSync(path, bytes);
  return path;
};
const specs = [{ name: 'image', dtype: 'float32' as const, shape: [1, 8, 8, 3], range: [0, 1] as [number, number] }];
const calibration = Array.from({ length: 64 }, (_, i) => seededInputs(specs, 100 + i));
const heldOut = Array.from({ length: 32 }, (_, i) => seededInputs(specs, 1000 + i));

/** Largest |quantized - float| over the held-out samples, both run in LiteRT. */
async function worstError(quantized: Graph): Promise<number> {
  const floatModel = await openLiteRtModel(writeModel(graph));
  const model = await openLiteRtModel(writeModel(quantized));
  try {
    let worst = 0;
    for (const inputs of heldOut) {
      const f = (await floatModel.run(inputs))[0]!.data as Float32Array;
      const q = (await model.run(inputs))[0]!.data as Float32Array;
      f.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - q[k]!))));
    }
    return worst;
  } finally {
    floatModel.close();
    model.close();
  }
}

describe('int16x8 quantization (TFLite 16x8 mode)', () => {
  it('writes int16 activations (zero point 0), int8 per-channel weights and int64 biases; LiteRT runs it, 8x closer to float than int8', async () => {
    const { ranges } = await calibrate(graph, calibration);
    const int16 = quantizeInt8(graph, ranges, { activations: 'int16' });
    expect(int16.floatOps).toEqual([]);
    const written = readModel(writeModel(int16.graph));
    verifyGraph(written); // the runtime's semantic verifier accepts every file the converter writes
    const sub = written.subgraphs[0]!;
    const byOp = (opcode: string) => sub.operators.filter((o) => o.opcode === opcode);
    for (const op of byOp('CONV_2D').concat(byOp('DEPTHWISE_CONV_2D'), byOp('FULLY_CONNECTED'))) {
      const [x, w, b] = op.inputs.map((i) => sub.tensors[i]!);
      expect([x!.dtype, w!.dtype, b!.dtype, sub.tensors[op.outputs[0]!]!.dtype]).toEqual(['int16', 'int8', 'int64', 'int16']);
      expect(w!.quantization!.zeroPoint.every((z) => z === 0)).toBe(true);
    }
    console.log('versions', sub.operators.map((o) => `${o.opcode} v${o.version}`).join(', '));
    for (const t of sub.tensors.filter((t) => t.dtype === 'int16')) expect(t.quantization!.zeroPoint).toEqual([0]);
    const softmax = sub.tensors[byOp('SOFTMAX')[0]!.outputs[0]!]!;
    expect(softmax.quantization!.scale[0]).toBeCloseTo(1 / 32768, 12);
    expect(byOp('ADD')[0]!.options!.potScaleInt16).toBe(false);
    // Model inputs/outputs stay float: one QUANTIZE from float in (the other requantizes CONCATENATION's input), one DEQUANTIZE out.
    expect(byOp('QUANTIZE').filter((o) => sub.tensors[o.inputs[0]!]!.dtype === 'float32')).toHaveLength(1);
    expect(byOp('DEQUANTIZE')).toHaveLength(1);

    const int8 = quantizeInt8(graph, ranges);
    const [e16, e8] = [await worstError(int16.graph), await worstError(int8.graph)];
    console.log(`tiny CNN softmax, worst |error| vs float on 32 held-out samples: int16x8 ${e16.toExponential(2)}, int8 ${e8.toExponential(2)}`);
    expect(e16).toBeLessThan(2e-3);
    expect(e16 * 8).toBeLessThan(e8);
  });

  it("runs in the runtime's tfjs engine (int16 values held as reals) within four int16 steps of LiteRT", async () => {
    const { ranges } = await calibrate(graph, calibration);
    const int16 = quantizeInt8(graph, ranges, { activations: 'int16' }).graph;
    const liteRt = await openLiteRtModel(writeModel(int16));
    const exec = await createExecutor(readModel(writeModel(int16)), { backends: ['cpu'] });
    try {
      let worst = 0;
      for (const inputs of heldOut.slice(0, 8)) {
        const theirs = (await liteRt.run(inputs))[0]!.data as Float32Array;
        const ours = (await exec.run([inputs[0]!.data as Float32Array])).outputs[0]!.data as Float32Array;
        theirs.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - ours[k]!))));
      }
      console.log(`tiny CNN int16x8: tfjs engine vs LiteRT worst |difference| ${worst.toExponential(2)} (int16 softmax step ${(1 / 32768).toExponential(2)})`);
      expect(worst).toBeLessThanOrEqual(4 / 32768 + 1e-7);
    } finally {
      liteRt.close();
      exec.dispose();
    }
  });

  it("the tfjs engine reads int64 biases beyond int32 (16x8's fine input scales make large bias levels)", async () => {
    const big = tinyCnn();
    const bias = big.subgraphs[0]!.tensors.find((t) => t.name === 'dense/bias')!;
    bias.data = new Uint8Array(Float32Array.of(3e4, -3e4, 2.5e4, -2.5e4, 2.8e4).buffer);
    const { ranges } = await calibrate(big, calibration);
    const int16 = quantizeInt8(big, ranges, { activations: 'int16' }).graph;
    const sub = int16.subgraphs[0]!;
    const stored = sub.tensors.find((t) => t.name === 'dense/bias' && t.dtype === 'int64')!;
    const levels = new BigInt64Array(stored.data!.slice().buffer);
    expect(levels.some((v) => v > 2n ** 31n || v < -(2n ** 31n))).toBe(true);
    const liteRt = await openLiteRtModel(writeModel(int16));
    const exec = await createExecutor(readModel(writeModel(int16)), { backends: ['cpu'] });
    try {
      const theirs = (await liteRt.run(heldOut[0]!))[0]!.data as Float32Array;
      const ours = (await exec.run([heldOut[0]![0]!.data as Float32Array])).outputs[0]!.data as Float32Array;
      // Logits near 3e4 held as float32 reals (steps of 0.002) move the softmax by a few more int16 steps.
      theirs.forEach((v, k) => expect(Math.abs(v - ours[k]!)).toBeLessThanOrEqual(1e-3));
    } finally {
      liteRt.close();
      exec.dispose();
    }
  });
});

describe('the mixed-precision search with int16', () => {
  // With per-channel dense weights the two-head model's loss is all in the shared activation's int8 step,
  // which int16 fixes (per-tensor weights lose the class logits in the weights, and only float helps there).
  it('--mixed-precision-to int16 gives the guilty ops int16 activations in an int8 model; LiteRT runs it within budget', async () => {
    const model = writeModel(twoHeadModel());
    const samples = twoHeadSamples(100);
    const { bytes, report } = await convert(tmpFile(model), { quantize: 'int8', calibration: samples, perChannelDense: true, mixedPrecisionTarget: 'int16' });
    const m = report.quantization!.mixedPrecision!;
    expect(report.quantization!.budget!.passed).toBe(true);
    expect(m.kept.map((k) => `${k.opcode} ${k.name} ${k.precision}`).sort()).toEqual(['FULLY_CONNECTED heads int16', 'SLICE logits int16']);
    const slice = m.kept.find((k) => k.sqnrDropDb !== undefined)!;
    // Per-choice latency, op alone in LiteRT: XNNPACK runs int8 and float, int16 falls back to reference kernels.
    expect(slice.latencyMs).toMatchObject({ int8: expect.any(Number), int16: expect.any(Number), float: expect.any(Number) });
    const latency = report.quantization!.latencyMs;
    expect(latency).toMatchObject({ float: expect.any(Number), quantized: expect.any(Number), mixed: expect.any(Number) });
    console.log(`two-head, search to int16: ${slice.opcode} alone ${JSON.stringify(slice.latencyMs)}, models ${JSON.stringify(latency)}; ${m.int8Bytes} -> ${m.bytes} B`);
    expect(report.quantization!.floatOps).toEqual([]);
    const sub = readModel(bytes).subgraphs[0]!;
    const heads = sub.operators.find((o) => o.opcode === 'FULLY_CONNECTED' && sub.tensors[o.outputs[0]!]!.name === 'heads')!;
    expect(heads.inputs.map((i) => sub.tensors[i]!.dtype)).toEqual(['int16', 'int8', 'int64']);
    // The int8 trunk hands over through QUANTIZE int8 -> int16, and the softmax gets int8 back.
    expect(sub.operators.some((o) => o.opcode === 'QUANTIZE' && sub.tensors[o.inputs[0]!]!.dtype === 'int8' && sub.tensors[o.outputs[0]!]!.dtype === 'int16')).toBe(true);
  });

  it('the default search prefers float unless int16 is clearly faster, and says so with the figures', async () => {
    const { report } = await convert(tmpFile(writeModel(twoHeadModel())), { quantize: 'int8', calibration: twoHeadSamples(100), perChannelDense: true });
    const best = report.quantization!.mixedPrecision!.kept.find((k) => k.sqnrDropDb !== undefined)!;
    const l = best.latencyMs!;
    console.log(`two-head, default search: ${best.opcode} '${best.name}' -> ${best.precision}, alone ${JSON.stringify(l)}`);
    expect(best.precision).toBe(l.int16! < 0.8 * l.float ? 'int16' : 'float');
    if (best.precision === 'float') expect(best.reason).toMatch(/float is exact and int16 is not clearly faster in LiteRT/);
    expect(report.quantization!.budget!.passed).toBe(true);
  });
});

describe('borde convert --quantize int16x8', () => {
  it('writes a 16x8 file and reports it; --io int8 is refused with the fix', async () => {
    const model = tmpFile(writeModel(tinyCnn()));
    const data = join(dir, 'calibration.json');
    writeFileSync(data, JSON.stringify(calibration.map(([x]) => Array.from(x!.data as Float32Array))));
    const out = join(dir, 'cnn-16x8.tflite');
    const run = await runCli(['convert', model, '-o', out, '--quantize', 'int16x8', '--calibration', data, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.mode).toBe('int16x8');
    expect(report.quantization).toMatchObject({ mode: 'int16x8', budget: { passed: true }, floatOps: [] });
    const sub = readModel(new Uint8Array(readFileSync(out))).subgraphs[0]!;
    expect(sub.tensors.filter((t) => t.dtype === 'int16').length).toBeGreaterThan(5);
    const refused = await runCli(['convert', model, '-o', join(dir, 'no.tflite'), '--quantize', 'int16x8', '--calibration', data, '--io', 'int8']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--io int8 is for --quantize int8; int16x8 models take and give float tensors/);
  });
});

describe.skipIf(!existsSync(FASHION_MNIST_MODEL))('Fashion-MNIST CNN, --quantize int16x8', () => {
  it('keeps 99.5% of float decisions on 1,000 test images, within the default budget with no op kept float', async () => {
    const { calibration, test } = fashionMnistData(1000);
    const { bytes, report } = await convert(FASHION_MNIST_MODEL, { quantize: 'int16x8', calibration, evalData: test });
    const q = report.quantization!;
    const worst = Math.max(...q.evaluation!.outputs.map((o) => o.maxError));
    const mean = q.evaluation!.outputs[0]!.meanError;
    const int8 = (await convert(FASHION_MNIST_MODEL, { quantize: 'int8', calibration, evalData: test, verify: false })).report.quantization!.evaluation!;
    console.log(`fashion-mnist int16x8: accuracy float ${q.evaluation!.accuracy!.float}, int16x8 ${q.evaluation!.accuracy!.int8}, ` +
      `agreement ${q.evaluation!.agreement} (int8 ${int8.agreement}), mean |error|/range ${mean.toExponential(2)} (int8 ${int8.outputs[0]!.meanError.toExponential(2)}), ` +
      `worst ${worst.toExponential(2)} (int8 ${int8.outputs[0]!.maxError.toExponential(2)}); ${report.float32Bytes} -> ${report.outputBytes} B; ` +
      `LiteRT ms float ${q.latencyMs!.float.toFixed(3)}, int16x8 ${q.latencyMs!.quantized.toFixed(3)}`);
    expect(q.mode).toBe('int16x8');
    expect(q.budget!.passed).toBe(true);
    expect(q.mixedPrecision).toBeUndefined();
    expect(q.floatOps).toEqual([]);
    expect(q.evaluation!.agreement).toBeGreaterThanOrEqual(0.995);
    expect(mean).toBeLessThan(int8.outputs[0]!.meanError / 2);
    const sub = readModel(bytes).subgraphs[0]!;
    expect(sub.operators.filter((o) => o.opcode === 'CONV_2D').every((o) => sub.tensors[o.inputs[0]!]!.dtype === 'int16')).toBe(true);
  }, 120_000);
});
