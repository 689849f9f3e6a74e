// RGBA images in Node for the build scripts: read/write PNG (pngjs, no native code), resample a region.
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel. */
  data: Uint8Array;
}

export function readPng(path: string): RgbaImage {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
}

export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}

export function writePng(path: string, image: RgbaImage): void {
  writeFileSync(path, encodePng(image));
}

/** A region of the source (in source pixels) resampled to width x height, by averaging a grid of bilinear samples. */
export function resampleRegion(
  source: RgbaImage,
  region: { x: number; y: number; width: number; height: number },
  width: number,
  height: number,
): RgbaImage {
  const out = new Uint8Array(width * height * 4);
  const stepX = region.width / width;
  const stepY = region.height / height;
  // Enough samples per output pixel that downscaling does not alias (an area average, roughly).
  const n = Math.max(1, Math.ceil(Math.max(stepX, stepY)));
  const { data, width: sw, height: sh } = source;
  const sum = new Float64Array(4);
  for (let oy = 0; oy < height; oy++) {
    for (let ox = 0; ox < width; ox++) {
      sum.fill(0);
      for (let j = 0; j < n; j++) {
        const sy = Math.min(Math.max(region.y + (oy + (j + 0.5) / n) * stepY - 0.5, 0), sh - 1);
        const y0 = Math.floor(sy);
        const y1 = Math.min(y0 + 1, sh - 1);
        const fy = sy - y0;
        for (let i = 0; i < n; i++) {
          const sx = Math.min(Math.max(region.x + (ox + (i + 0.5) / n) * stepX - 0.5, 0), sw - 1);
          const x0 = Math.floor(sx);
          const x1 = Math.min(x0 + 1, sw - 1);
          const fx = sx - x0;
          const a = (y0 * sw + x0) * 4;
          const b = (y0 * sw + x1) * 4;
          const c = (y1 * sw + x0) * 4;
          const d = (y1 * sw + x1) * 4;
          for (let k = 0; k < 4; k++) {
            const top = data[a + k]! * (1 - fx) + data[b + k]! * fx;
            const bottom = data[c + k]! * (1 - fx) + data[d + k]! * fx;
            sum[k]! += top * (1 - fy) + bottom * fy;
          }
        }
      }
      const o = (oy * width + ox) * 4;
      for (let k = 0; k < 4; k++) out[o + k] = Math.round(sum[k]! / (n * n));
    }
  }
  return { width, height, data: out };
}
