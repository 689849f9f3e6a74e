import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits } from '@borde/tflite';

describe('float16', () => {
  it('encodes known values bit-exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65520, 0x7c00],
      [Infinity, 0x7c00], [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400],
      [0.333251953125, 0x3555], [1 + 2 ** -11, 0x3c00] /* tie rounds to even */, [1 + 3 * 2 ** -11, 0x3c02],
      [2 ** -26, 0x0000] /* below half the smallest subnormal */, [3 * 2 ** -26, 0x0001],
    ];
    for (const [value, bits] of cases) expect(float32ToFloat16Bits(value), `${value}`).toBe(bits);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(Number.NaN)))).toBe(true);
  });

  it('round-trips every finite half exactly', () => {
    const all = new Uint16Array(0x10000).map((_, i) => i);
    const decoded = decodeFloat16(all);
    const back = encodeFloat16(decoded);
    for (let i = 0; i < 0x10000; i++) {
      const exponent = (i >>> 10) & 0x1f;
      if (exponent === 0x1f && (i & 0x3ff) !== 0) continue; // NaN payloads are not preserved
      if (back[i] !== i) throw new Error(`bits ${i.toString(16)} -> ${decoded[i]} -> ${back[i]!.toString(16)}`);
    }
  });
});
