// A short video for Chromium's fake camera (--use-file-for-fake-video-capture), made from
// calibration/astronaut.png: Y4M (YUV 4:2:0, the format Chromium reads), 30 frames at 10 fps, 320x240, the
// photo letterboxed into a landscape frame and drifting a few pixels so the stream is not a still.
import { writeFileSync } from 'node:fs';
import { readPng, resampleRegion, type RgbaImage } from './image.js';
import { SOURCE_IMAGE } from './paths.js';

export const FAKE_CAMERA = { width: 320, height: 240, frames: 30, fps: 10 } as const;

/** Writes the .y4m to `path`; returns where the photo sits in the frame (for checking boxes). */
export function writeFakeCamera(path: string): { x: number; y: number; side: number } {
  const { width, height, frames, fps } = FAKE_CAMERA;
  const photo = readPng(SOURCE_IMAGE);
  const side = height; // the square photo fills the frame's height
  const scaled = resampleRegion(photo, { x: 0, y: 0, width: photo.width, height: photo.height }, side, side);
  const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  const baseX = Math.round((width - side) / 2);
  for (let f = 0; f < frames; f++) {
    const dx = Math.round(4 * Math.sin((2 * Math.PI * f) / frames));
    chunks.push(Buffer.from('FRAME\n'), frameYuv(scaled, baseX + dx, width, height));
  }
  writeFileSync(path, Buffer.concat(chunks));
  return { x: baseX, y: 0, side };
}

function frameYuv(photo: RgbaImage, left: number, width: number, height: number): Buffer {
  const rgb = new Uint8Array(width * height * 3); // grey background
  rgb.fill(96);
  for (let y = 0; y < photo.height && y < height; y++) {
    for (let x = 0; x < photo.width; x++) {
      const fx = left + x;
      if (fx < 0 || fx >= width) continue;
      const s = (y * photo.width + x) * 4;
      const d = (y * width + fx) * 3;
      rgb[d] = photo.data[s]!;
      rgb[d + 1] = photo.data[s + 1]!;
      rgb[d + 2] = photo.data[s + 2]!;
    }
  }
  // BT.601 full range (JPEG) conversion, chroma averaged over 2x2 blocks.
  const yPlane = Buffer.alloc(width * height);
  const uPlane = Buffer.alloc((width / 2) * (height / 2));
  const vPlane = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let i = 0; i < width * height; i++) {
    yPlane[i] = clamp(0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!);
  }
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < width / 2; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [ox, oy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const d = ((y * 2 + oy) * width + x * 2 + ox) * 3;
        r += rgb[d]!;
        g += rgb[d + 1]!;
        b += rgb[d + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      uPlane[y * (width / 2) + x] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      vPlane[y * (width / 2) + x] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return Buffer.concat([yPlane, uPlane, vPlane]);
}

const isMain = process.argv[1]?.endsWith('fake-camera.ts');
if (isMain) {
  const out = process.argv[2] ?? 'fake-camera.y4m';
  writeFakeCamera(out);
  console.log(`fake camera: ${out}`);
}
