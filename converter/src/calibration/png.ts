import { convertIndexedToRgb, decode } from 'fast-png';

/**
 * A PNG as 8-bit RGBA, decoded in pure JavaScript (fast-png: no Node zlib or Buffer, so the CLI and a page
 * read the same pixels). Normalised as pngjs did before it: grey replicated, a missing alpha 255, samples of
 * other depths scaled by floor(v * 255 / (2^depth - 1) + 0.5), and pixels matching the tRNS colour all 0.
 */
export function decodePngRgba(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const png = decode(bytes);
  const { width, height, depth, channels } = png;
  const count = width * height;
  const rgba = new Uint8Array(count * 4);
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    const c = png.palette[0]!.length;
    for (let p = 0; p < count; p++) {
      rgba[4 * p] = rgb[c * p]!;
      rgba[4 * p + 1] = rgb[c * p + 1]!;
      rgba[4 * p + 2] = rgb[c * p + 2]!;
      rgba[4 * p + 3] = c === 4 ? rgb[c * p + 3]! : 255;
    }
    return { width, height, rgba };
  }
  const max = 2 ** depth - 1;
  const rowBits = Math.ceil((width * channels * depth) / 8) * 8;
  // Samples below 8 bits are packed (rows padded to whole bytes); 8- and 16-bit ones are one per element.
  const sample = (p: number, k: number): number => {
    if (depth >= 8) return png.data[p * channels + k]!;
    const bit = Math.floor(p / width) * rowBits + ((p % width) * channels + k) * depth;
    return (png.data[bit >> 3]! >> (8 - depth - (bit & 7))) & max;
  };
  const scale = (v: number): number => (depth === 8 ? v : Math.floor((v * 255) / max + 0.5));
  const colour = channels >= 3;
  const hasAlpha = channels === 2 || channels === 4;
  const trans = png.transparency && png.transparency.length > 0 ? png.transparency : undefined;
  for (let p = 0; p < count; p++) {
    const r = sample(p, 0);
    const g = colour ? sample(p, 1) : r;
    const b = colour ? sample(p, 2) : r;
    if (trans && r === trans[0] && (trans.length === 1 || (g === trans[1] && b === trans[2]))) continue; // stays 0, 0, 0, 0
    rgba[4 * p] = scale(r);
    rgba[4 * p + 1] = scale(g);
    rgba[4 * p + 2] = scale(b);
    rgba[4 * p + 3] = hasAlpha ? scale(sample(p, channels - 1)) : 255;
  }
  return { width, height, rgba };
}
