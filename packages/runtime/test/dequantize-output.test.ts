import { describe, expect, it } from 'vitest';
import { dequantize } from '../src/index.js';

describe('dequantize(output): real values of a run() output', () => {
  it('maps an int8 output with its scale and zero point (a SOFTMAX output: 1/256, -128)', () => {
    const output = { data: new Int8Array([-128, 0, 127]), shape: [1, 3], quantization: { scale: [1 / 256], zeroPoint: [-128], quantizedDimension: 0 } };
    expect(Array.from(dequantize(output))).toEqual([0, 0.5, 255 / 256]);
  });

  it('maps per-channel quantization along quantizedDimension', () => {
    const output = { data: new Int8Array([1, 2, 3, 4, 5, 6]), shape: [2, 3], quantization: { scale: [0.5, 2, 4], zeroPoint: [0, 1, 0], quantizedDimension: 1 } };
    expect(Array.from(dequantize(output))).toEqual([0.5, 2, 12, 2, 8, 24]);
  });

  it('returns float outputs as they are, and converts unquantized integers', () => {
    const data = new Float32Array([0.25, -1]);
    expect(dequantize({ data, shape: [2] })).toBe(data);
    expect(Array.from(dequantize({ data: new Int32Array([3, -4]), shape: [2] }))).toEqual([3, -4]);
    expect(Array.from(dequantize({ data: new BigInt64Array([5n]), shape: [1] }))).toEqual([5]);
  });
});
