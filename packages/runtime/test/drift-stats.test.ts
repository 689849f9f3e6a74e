// The drift scores and the calibration-statistics entry on their own: known values, and typed errors for an
// entry that is malformed or newer than this runtime.
import { describe, expect, it } from 'vitest';
import { buildCalibrationStats, decodeCalibrationStats, encodeCalibrationStats, ks, psi } from '../src/index.js';

describe('drift scores', () => {
  it('PSI and KS are 0 for equal distributions and grow with the shift', () => {
    const ref = [0.25, 0.25, 0.25, 0.25];
    expect(psi(ref, ref)).toBe(0);
    expect(ks(ref, ref)).toBe(0);
    // (0.4-0.25)ln(0.4/0.25)*2 + (0.1-0.25)ln(0.1/0.25)*2
    expect(psi(ref, [0.4, 0.4, 0.1, 0.1])).toBeCloseTo(2 * 0.15 * Math.log(1.6) + 2 * 0.15 * Math.log(2.5), 10);
    expect(ks(ref, [0.4, 0.4, 0.1, 0.1])).toBeCloseTo(0.3, 10);
    expect(psi(ref, [1, 0, 0, 0])).toBeGreaterThan(psi(ref, [0.4, 0.4, 0.1, 0.1]));
  });
});

describe('calibration statistics entry', () => {
  const stats = buildCalibrationStats(
    { inputs: [{ name: 'x', shape: [1, 3] }], outputs: [{ name: 'p', shape: [1, 2] }] },
    Array.from({ length: 50 }, (_, i) => ({ inputs: [Float32Array.of(i, i / 2, -i)], outputs: [Float32Array.of(i % 3 ? 0.8 : 0.1, i % 3 ? 0.2 : 0.9)] })),
  );

  it('round-trips, with shares summing to 1 and the class distribution of the outputs', () => {
    const back = decodeCalibrationStats(encodeCalibrationStats(stats));
    expect(back).toEqual(stats);
    const classes = back.outputs[0]!.features.find((f) => f.kind === 'classes')!;
    expect(classes.reference[1]).toBeCloseTo(17 / 50, 5); // i % 3 === 0 for 17 of 0..49
    for (const f of back.inputs[0]!.features) expect(f.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });

  it('refuses malformed or newer entries with a MONITOR error', () => {
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    expect(() => decodeCalibrationStats(new TextEncoder().encode('{'))).toThrow(expect.objectContaining({ code: 'MONITOR', message: expect.stringContaining('not JSON') }));
    expect(() => decodeCalibrationStats(bytes({ ...stats, version: 99 }))).toThrow(/version 99.*update @borde\/runtime/);
    const broken = structuredClone(stats);
    broken.inputs[0]!.features[0]!.reference.pop();
    expect(() => decodeCalibrationStats(bytes(broken))).toThrow(/"x".*malformed/);
    expect(() => decodeCalibrationStats(bytes({ format: 'other' }))).toThrow(/no format\/version/);
  });
});
