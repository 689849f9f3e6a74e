/**
 * The model sees a square 128x128 image. A camera frame or photo of another shape is scaled to fit and
 * padded (black), as MediaPipe does, so faces keep their proportions; boxes are mapped back afterwards.
 */
import type { Detection } from './decode.js';

export interface Letterbox {
  /** Where the source lands inside the square input, in input pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Input side (128). */
  size: number;
}

/** The placement of a `sourceWidth` x `sourceHeight` image inside a `size` x `size` square, centred. */
export function letterbox(sourceWidth: number, sourceHeight: number, size: number): Letterbox {
  if (!(sourceWidth > 0 && sourceHeight > 0)) throw new RangeError(`letterbox: the source is ${sourceWidth}x${sourceHeight}; it needs pixels`);
  const scale = size / Math.max(sourceWidth, sourceHeight);
  const width = sourceWidth * scale;
  const height = sourceHeight * scale;
  return { x: (size - width) / 2, y: (size - height) / 2, width, height, size };
}

/** A box in pixels of the source image. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
  keypoints: { x: number; y: number }[];
}

/** A detection (normalized to the square input) in pixels of the source image. */
export function toSourcePixels(detection: Detection, box: Letterbox, sourceWidth: number, sourceHeight: number): PixelBox {
  const sx = sourceWidth / box.width;
  const sy = sourceHeight / box.height;
  const px = (nx: number) => (nx * box.size - box.x) * sx;
  const py = (ny: number) => (ny * box.size - box.y) * sy;
  return {
    x: px(detection.xMin),
    y: py(detection.yMin),
    width: detection.width * box.size * sx,
    height: detection.height * box.size * sy,
    score: detection.score,
    keypoints: detection.keypoints.map((k) => ({ x: px(k.x), y: py(k.y) })),
  };
}

/** RGBA pixels (e.g. canvas ImageData) to the model's input: RGB in [-1, 1] (x / 127.5 - 1), NHWC. */
export function rgbaToSymmetricInput(rgba: ArrayLike<number>, pixels: number): Float32Array {
  if (rgba.length !== pixels * 4) throw new RangeError(`rgbaToSymmetricInput: expected ${pixels * 4} RGBA values, got ${rgba.length}`);
  const out = new Float32Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[i * 3] = rgba[i * 4]! / 127.5 - 1;
    out[i * 3 + 1] = rgba[i * 4 + 1]! / 127.5 - 1;
    out[i * 3 + 2] = rgba[i * 4 + 2]! / 127.5 - 1;
  }
  return out;
}
