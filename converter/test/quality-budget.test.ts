// Issue #10: int8 never silently breaks a model. On a model where plain int8 collapses one output (a class
// head sharing a layer with a wide-range regression value), the per-output budget trips, the mixed-precision
// search keeps the guilty ops in float until it holds, and without the search nothing is written.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModel, writeModel } from '@borde/tflite';
import { openLiteRtModel } from '@borde/runtime/node';
import { convert } from '../src/convert.js';
import { ConverterError } from '../src/errors.js';
import { holdOut, judgeBudget, DEFAULT_BUDGET } from '../src/quantize/budget.js';
import { runCli } from './support/run-cli.js';
import { int8SpecViolations } from './support/int8-spec.js';
import { twoHeadModel, twoHeadSamples } from './support/two-head-model.js';

const dir = mkdtempSync(join(tmpdir(), 'borde-quality-'));
const model = join(dir, 'two-head.tflite');
writeFileSync(model, writeModel(twoHeadModel()));
const samples = twoHeadSamples(100);
const calibrationJson = join(dir, 'calibration.json');
writeFileSync(calibrationJson, JSON.stringify(samples.map(([x]) => Array.from(x!.data as Float32Array))));

describe('per-output quality and the budget', () => {
  it('refuses an int8 model whose class head collapses, naming the output and the measures', async () => {
    const error = await convert(model, { quantize: 'int8', calibration: samples, mixedPrecision: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConverterError);
    expect((error as ConverterError).code).toBe('QUALITY_BUDGET');
    expect((error as Error).message).toMatch(/- class: mean \|error\| .* > 2\.00% \(--max-error\)/);
    expect((error as Error).message).not.toMatch(/- distance:/);
    const e = (error as unknown as { report: { quantization: { evaluation: Record<string, any> } } }).report.quantization.evaluation;
    // Judged on the 20 samples the quantizer did not calibrate on.
    expect(e).toMatchObject({ samples: 20, on: 'held-out' });
    const byName = Object.fromEntries(e.outputs.map((o: { name: string }) => [o.name, o]));
    expect(byName.distance.meanError).toBeLessThan(0.02);
    expect(byName.distance.agreement).toBeUndefined(); // a regression value has no classes
    expect(byName.class.meanError).toBeGreaterThan(0.05);
    expect(byName.class.sqnrDb).toBeLessThan(byName.distance.sqnrDb);
    expect(byName.class.agreement).toBeLessThanOrEqual(1);
  });

  it('writes it with allowDegraded, and says it missed', async () => {
    const { report } = await convert(model, { quantize: 'int8', calibration: samples, mixedPrecision: false, allowDegraded: true });
    expect(report.quantization!.budget!.passed).toBe(false);
    expect(report.quantization!.budget!.misses.map((m) => m.output)).toContain('class');
  });

  it('mixed precision keeps the shared layer float until the budget holds; LiteRT runs the file', async () => {
    const { bytes, report } = await convert(model, { quantize: 'int8', calibration: samples });
    const q = report.quantization!;
    expect(q.budget!.passed).toBe(true);
    expect(q.mixedPrecision!.kept.map((k) => `${k.opcode} ${k.name}`).sort()).toEqual(['FULLY_CONNECTED heads', 'SLICE logits']);
    // The quantizer's sizes are of the model alone; the file also carries the drift statistics entry (issue #16).
    expect(q.mixedPrecision!.bytes + report.calibrationStats!.bytes).toBeLessThanOrEqual(bytes.byteLength);
    expect(q.mixedPrecision!.bytes + report.calibrationStats!.bytes).toBeGreaterThan(bytes.byteLength - 160); // + the entry's name, table and alignment
    expect(q.mixedPrecision!.bytes).toBeGreaterThan(q.mixedPrecision!.int8Bytes); // the float weights cost size
    expect(q.floatOps.map((f) => f.name).sort()).toEqual(['heads', 'logits']);
    // The rest is still int8: the trunk and the softmax.
    const ops = readModel(bytes).subgraphs[0]!.operators.map((o) => o.opcode);
    expect(ops).toContain('DEQUANTIZE');
    expect(ops.filter((o) => o === 'FULLY_CONNECTED')).toHaveLength(2);
    expect(int8SpecViolations(bytes, { io: 'float' })).toEqual([]); // the int8 ops still follow the spec

    const float = await openLiteRtModel(writeModel(twoHeadModel()));
    const mixed = await openLiteRtModel(bytes);
    try {
      for (const sample of twoHeadSamples(5, 9000)) {
        const expected = new Map((await float.run(sample)).map((o) => [o.name, o.data as Float32Array]));
        for (const out of await mixed.run(sample)) {
          const want = expected.get(out.name)!;
          (out.data as Float32Array).forEach((v, k) => expect(Math.abs(v - want[k]!)).toBeLessThan(out.name === 'class' ? 0.03 : 60));
        }
      }
    } finally {
      float.close();
      mixed.close();
    }
  });

  it('budgets the decision step near p = 0.5 of score and --logits outputs, keeping a coarse head float', async () => {
    const { report } = await convert(model, { quantize: 'int8', calibration: samples, logitOutputs: ['distance'] });
    const q = report.quantization!;
    const byName = Object.fromEntries(q.evaluation!.outputs.map((o) => [o.name, o]));
    expect(byName.class!.decisionStep).toBe(1 / 256); // softmax scores step by their int8 scale
    expect(byName.distance!.decisionStep).toBe(0); // computed in float now
    expect(q.mixedPrecision!.kept.map((k) => `${k.opcode} ${k.name}`)).toEqual(expect.arrayContaining(['SLICE distance', 'FULLY_CONNECTED heads']));
    const allInt8 = await convert(model, { quantize: 'int8', calibration: samples, logitOutputs: ['distance'], mixedPrecision: false, allowDegraded: true });
    const step = allInt8.report.quantization!.evaluation!.outputs.find((o) => o.name === 'distance')!.decisionStep!;
    expect(step).toBeGreaterThan(0.9); // a logit step of ~11 flips p from ~0 to ~1
    expect(allInt8.report.quantization!.budget!.misses).toContainEqual(expect.objectContaining({ output: 'distance', measure: 'decisionStep' }));
  });

  it('judges on --eval samples when given, calibrating on all the calibration data', async () => {
    const { report } = await convert(model, { quantize: 'int8', calibration: samples, evalData: { samples: twoHeadSamples(30, 7000) } });
    expect(report.quantization).toMatchObject({ samples: 100, evaluation: { samples: 30, on: 'eval' } });
  });

  it('splits calibration data 80/20 with a fixed seed, disjoint', () => {
    const a = holdOut(samples);
    const b = holdOut(samples);
    expect(a.calibrate).toHaveLength(80);
    expect(a.judge).toHaveLength(20);
    expect(a.judge).toEqual(b.judge);
    expect(a.judge.some((s) => a.calibrate.includes(s))).toBe(false);
    expect(holdOut(samples.slice(0, 1))).toMatchObject({ split: false });
  });

  it('judges mean, p99 and agreement separately', () => {
    const output = { name: 'y', sqnrDb: 30, range: 1, meanError: 0.01, p99Error: 0.2, maxError: 0.3, meanAbsError: 0.01, maxAbsError: 0.3, agreement: 0.9 };
    const verdict = judgeBudget({ samples: 10, on: 'held-out', outputs: [output] }, DEFAULT_BUDGET);
    expect(verdict.misses.map((m) => m.measure)).toEqual(['p99Error', 'agreement']);
    // One flipped decision of 10 is noise on a small held-out set, not a miss; two are.
    const judged = (decisions: number) => judgeBudget({ samples: 10, on: 'held-out', outputs: [{ ...output, decisions }] }, DEFAULT_BUDGET).misses.map((m) => m.measure);
    expect(judged(10)).toEqual(['p99Error']);
    expect(judged(20)).toEqual(['p99Error', 'agreement']);
    expect(judgeBudget({ samples: 10, on: 'held-out', outputs: [output] }, { ...DEFAULT_BUDGET, maxP99Error: 0.25, minAgreement: 0.9 }).passed).toBe(true);
  });
});

describe('borde convert: the budget on the command line', () => {
  it('exits 1 with the per-output table and writes nothing when the budget is missed', async () => {
    const out = join(dir, 'refused.tflite');
    const { code, stdout, stderr } = await runCli(['convert', model, '-o', out, '--quantize', 'int8', '--calibration', calibrationJson, '--no-mixed-precision']);
    expect(code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(stdout).toMatch(/quality +20 held-out samples .*MISSED/);
    expect(stdout).toMatch(/class .*<- over budget/);
    expect(stdout).toMatch(/\(not written\)/);
    expect(stderr).toMatch(/error: the int8 model misses the quality budget/);
  });

  it('writes it with --allow-degraded (exit 0) and with the search by default, which the report lists', async () => {
    const degraded = join(dir, 'degraded.tflite');
    const allowed = await runCli(['convert', model, '-o', degraded, '--quantize', 'int8', '--calibration', calibrationJson, '--no-mixed-precision', '--allow-degraded']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(existsSync(degraded)).toBe(true);

    const mixedPath = join(dir, 'mixed.tflite');
    const mixed = await runCli(['convert', model, '-o', mixedPath, '--quantize', 'int8', '--calibration', calibrationJson]);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(mixed.stdout).toMatch(/mixed +2 op\(s\) kept float, 0 given int16 activations by the search/);
    expect(mixed.stdout).toMatch(/latency +LiteRT median per run: float [0-9.]+ ms, all-int8 [0-9.]+ ms, mixed [0-9.]+ ms/);
    expect(mixed.stdout).toMatch(/SLICE 'logits'/);
    expect(readFileSync(mixedPath).byteLength).toBeGreaterThan(readFileSync(degraded).byteLength);
  });

  it('a looser --max-error lets the all-int8 file through; a bad value is a usage error', async () => {
    const out = join(dir, 'loose.tflite');
    const loose = await runCli(['convert', model, '-o', out, '--quantize', 'int8', '--calibration', calibrationJson, '--no-mixed-precision',
      '--max-error', '0.5,1', '--min-agreement', '0', '--json']);
    expect(loose.code, loose.stderr).toBe(0);
    expect(JSON.parse(loose.stdout).quantization.budget).toMatchObject({ passed: true, budget: { maxMeanError: 0.5, maxP99Error: 1, minAgreement: 0 } });
    expect((await runCli(['convert', model, '-o', out, '--quantize', 'int8', '--calibration', calibrationJson, '--max-error', '-1'])).code).toBe(2);
  });
});
