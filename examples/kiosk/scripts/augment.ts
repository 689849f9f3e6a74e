// Calibration images for the int8 face detector, made at build time from the one photo the repo carries
// (calibration/astronaut.png): seeded random square crops at many scales (the face small, large, partly
// cut, or absent), horizontal flips, brightness and contrast changes, and letterboxed (padded) copies like
// the app feeds for non-square camera frames. Same seed, same images.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resampleRegion, writePng, type RgbaImage } from './image.js';
import { createRng } from '@borde/converter/verify';

export interface AugmentedImage {
  name: string;
  image: RgbaImage;
  /** What was done, for the model card and for debugging. */
  recipe: string;
}

export function augment(source: RgbaImage, count: number, seed: number, size = 128): AugmentedImage[] {
  const random = createRng(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const shortest = Math.min(source.width, source.height);
  const out: AugmentedImage[] = [];
  for (let k = 0; k < count; k++) {
    // Crop side from 30% to 100% of the shorter side: the face fills from a small to a large part of the input.
    const side = Math.round(shortest * between(0.3, 1));
    const x = Math.round(between(0, source.width - side));
    const y = Math.round(between(0, source.height - side));
    const flip = random() < 0.5;
    const brightness = between(0.6, 1.4);
    const contrast = between(0.7, 1.3);
    // One in four is letterboxed: the crop shrunk into the square with black bands, as the app pads frames.
    const padded = random() < 0.25;
    const inner = padded ? Math.round(size * between(0.55, 0.85)) : size;
    // Letterboxed: a wide region (its height inner/size of its width) keeps its proportions in the bands.
    const regionHeight = Math.round((side * inner) / size);
    let image = resampleRegion(source, { x, y, width: side, height: regionHeight }, size, inner);
    if (padded) image = padTo(image, size, size);
    if (flip) image = flipHorizontal(image);
    image = adjust(image, brightness, contrast);
    out.push({
      name: `aug-${String(k).padStart(3, '0')}.png`,
      image,
      recipe: `crop ${side}px at (${x},${y})${flip ? ', flipped' : ''}${padded ? `, letterboxed to ${inner}px high` : ''}, brightness x${brightness.toFixed(2)}, contrast x${contrast.toFixed(2)}`,
    });
  }
  return out;
}

/** Writes the images as PNGs into `folder` (created), returns their paths. */
export function writeAugmented(images: readonly AugmentedImage[], folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  return images.map((item) => {
    const path = join(folder, item.name);
    writePng(path, item.image);
    return path;
  });
}

function flipHorizontal(image: RgbaImage): RgbaImage {
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 4;
      const to = (y * image.width + (image.width - 1 - x)) * 4;
      data.set(image.data.subarray(from, from + 4), to);
    }
  }
  return { ...image, data };
}

function adjust(image: RgbaImage, brightness: number, contrast: number): RgbaImage {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    if (i % 4 === 3) {
      data[i] = image.data[i]!;
      continue;
    }
    const value = ((image.data[i]! - 128) * contrast + 128) * brightness;
    data[i] = Math.max(0, Math.min(255, Math.round(value)));
  }
  return { ...image, data };
}

/** `image` centred vertically in a width x height black canvas (the app's letterbox for wide frames). */
function padTo(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  const top = Math.floor((height - image.height) / 2);
  const left = Math.floor((width - image.width) / 2);
  for (let y = 0; y < image.height; y++) {
    const from = y * image.width * 4;
    data.set(image.data.subarray(from, from + image.width * 4), ((top + y) * width + left) * 4);
  }
  return { width, height, data };
}
