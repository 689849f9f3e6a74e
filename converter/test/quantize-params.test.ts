import { describe, expect, it } from 'vitest';
import { Histogram } from '../src/quantize/histogram.js';
import { activationParams, quantizeBias, quantizeSymmetric, roundHalfAwayFromZero } from '../src/quantize/params.js';

describe('quantization parameters (TFLite quantization_utils.cc)', () => {
  it('rounds halves away from zero like std::round', () => {
    expect([-2.5, -0.5, 0.5, 2.5, 1.4].map(roundHalfAwayFromZero)).toEqual([-3, -1, 1, 3, 1]);
  });

  it('computes asymmetric int8 activation parameters', () => {
    // [-1, 1]: scale 2/255, zero point from min = -128 + 127.5 = -0.5, std::round -> -1.
    expect(activationParams(-1, 1)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -1 });
    // ReLU range [0, 6]: zero maps to -128 exactly.
    expect(activationParams(0, 6)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
    // A range not containing 0 is widened to contain it.
    expect(activationParams(2, 3)).toEqual(activationParams(0, 3));
    expect(activationParams(-5, -1)).toEqual({ scale: Math.fround(5 / 255), zeroPoint: 127 });
    // A point range at 0 gets a usable scale.
    expect(activationParams(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('quantizes weights symmetrically per channel in [-127, 127]', () => {
    // Shape [2, 3] along axis 0: channel 0 max |w| = 2, channel 1 max |w| = 0 (all zero).
    const { data, scales } = quantizeSymmetric(Float32Array.of(2, -1, 0.5, 0, 0, 0), [2, 3], 0);
    expect(scales).toEqual([Math.fround(2 / 127), 1]);
    expect(Array.from(data)).toEqual([127, -64, 32, 0, 0, 0]);
    // Along the last axis (depthwise [1, h, w, c]): channels interleave.
    const dw = quantizeSymmetric(Float32Array.of(1, 10, -1, -10), [1, 1, 2, 2], 3);
    expect(dw.scales).toEqual([Math.fround(1 / 127), Math.fround(10 / 127)]);
    expect(Array.from(dw.data)).toEqual([127, 127, -127, -127]);
  });

  it('keeps a channel of near-zero weights at a scale an integer kernel can requantize', () => {
    // Seen in real models (posenet, mobileface): a dead channel of weights around 1e-24 got a scale of
    // 8e-27, a requantization multiplier far below 2^-31, and the verifier refused the file.
    const minScale = 1e-9;
    const { data, scales } = quantizeSymmetric(Float32Array.of(2, -1, 1e-24, -3e-24), [2, 2], 0, minScale);
    expect(scales).toEqual([Math.fround(2 / 127), Math.fround(minScale)]);
    expect(Array.from(data)).toEqual([127, -64, 0, 0]);
  });

  it('quantizes biases to int32 at input_scale * weight_scale', () => {
    const { data, scales } = quantizeBias(Float32Array.of(0.5, -0.25), 0.5, [0.01, 0.02]);
    expect(scales).toEqual([Math.fround(0.005), Math.fround(0.01)]);
    expect(Array.from(data)).toEqual([100, -25]);
  });
});

describe('calibration histograms', () => {
  // 10,000 values uniform in [-1, 1] plus one outlier at 100.
  const values = Float32Array.from({ length: 10_001 }, (_, i) => (i === 10_000 ? 100 : -1 + (2 * i) / 9_999));
  const observed = { min: -1, max: 100 };

  it('percentile trims the outlier', () => {
    const h = new Histogram(observed);
    h.add(values);
    const range = h.percentileRange(99.9);
    expect(range.min).toBe(-1);
    expect(range.max).toBeLessThan(2);
  });

  it('mse never does worse than min/max, and clips a dense tail when rounding error dominates', () => {
    const h = new Histogram(observed);
    h.add(values);
    // One value at 100 costs (100 - 1)^2 if clipped, far more than the rounding it saves: MSE keeps it.
    expect(h.mseRange()).toEqual(observed);
    // A Laplace-like sample: most values near 0, a long tail; rounding noise over all values outweighs
    // clipping the sparse far tail, so MSE narrows the range.
    const laplace = Float32Array.from({ length: 100_000 }, (_, i) => {
      const u = (i + 0.5) / 100_000 - 0.5;
      return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    });
    const full = { min: Math.min(...laplace), max: Math.max(...laplace) };
    const tail = new Histogram(full);
    tail.add(laplace);
    const range = tail.mseRange();
    expect(range.max).toBeLessThan(full.max);
    expect(range.min).toBeGreaterThan(full.min);
  });
});
