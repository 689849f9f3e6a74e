import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodePngRgba } from '../src/calibration/png.js';

// The calibration PNG decoder is pure JavaScript (it runs in the studio page too); it must give the pixels
// pngjs (the decoder it replaced, on Node's zlib) gives, or CLI conversions would change.
describe('decodePngRgba', () => {
  const width = 7; // odd: rows that do not end on a whole word
  const height = 5;
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37 + (i >> 2) * 11) & 255;

  for (const colorType of [0, 2, 4, 6] as const) {
    for (const bitDepth of [8, 16] as const) {
      it(`matches pngjs for colour type ${colorType}, ${bitDepth}-bit`, () => {
        const png = new PNG({ width, height, colorType, bitDepth, inputColorType: 6, inputHasAlpha: true });
        rgba.copy(png.data);
        const bytes = PNG.sync.write(png, { colorType, bitDepth, inputColorType: 6, inputHasAlpha: true });
        const expected = PNG.sync.read(bytes);
        const decoded = decodePngRgba(new Uint8Array(bytes));
        expect([decoded.width, decoded.height]).toEqual([width, height]);
        expect(Buffer.from(decoded.rgba).equals(expected.data)).toBe(true);
      });
    }
  }

  it('refuses bytes that are not a PNG', () => {
    expect(() => decodePngRgba(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow();
  });
});
