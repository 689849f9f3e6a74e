// Calibration images for benchmarks: seeded crops (every other one mirrored) of the photo the project ships
// (examples/kiosk/calibration/astronaut.png, public domain), resized to each image input, values in [0, 1]
// (0..255 as the input's dtype for an integer image input).
// Inputs that are not images get seeded values.
import { fileURLToPath } from 'node:url';
import type { ModelInput, TensorValue } from '@borde/converter';
import { createRng, seededTensor } from '@borde/converter/verify';
import { castToInput } from '../../converter/src/calibration/dtypes.js';
import { convertChannels, decodeImage, resizeBilinear } from '../../converter/src/calibration/images.js';

const PHOTO = fileURLToPath(new URL('../../examples/kiosk/calibration/astronaut.png', import.meta.url));

export async function photoCrops(inputs: ModelInput[], count: number, seed = 11): Promise<TensorValue[][]> {
  const photo = await decodeImage(PHOTO);
  const rgba = photo.rgba.slice(); // own, aligned buffer, read as one 32-bit word per pixel
  const pixels32 = new Uint32Array(rgba.buffer, 0, photo.width * photo.height);
  const rng = createRng(seed);
  return Array.from({ length: count }, (_s, n) => inputs.map((input, k) => {
    const [, h, w, c] = input.shape;
    if (input.shape.length !== 4 || (c !== 1 && c !== 3 && c !== 4)) {
      return { ...seededTensor({ dtype: input.dtype, shape: input.shape }, 100 * n + k), name: input.name };
    }
    const side = Math.round(photo.width * (0.5 + 0.5 * rng()));
    const x0 = Math.floor(rng() * (photo.width - side + 1));
    const y0 = Math.floor(rng() * (photo.height - side + 1));
    // Pixels copied as 32-bit words (RGBA), a row at a time; mirrored crops read their rows backwards.
    const crop = new Uint8Array(side * side * 4);
    const to = new Uint32Array(crop.buffer);
    for (let y = 0; y < side; y++) {
      const row = (y0 + y) * photo.width;
      if (n % 2 === 0) to.set(pixels32.subarray(row + x0, row + x0 + side), y * side);
      else for (let x = 0; x < side; x++) to[y * side + x] = pixels32[row + x0 + side - 1 - x]!;
    }
    const pixels = resizeBilinear(convertChannels(crop, side * side, c), side, side, c, h!, w!);
    // An integer image input (MoveNet's int32) takes the pixels 0..255 as they are, rounded, as its dtype.
    if (input.dtype !== 'float32') return { name: input.name, dtype: input.dtype, shape: input.shape, data: castToInput('photo crop', input, pixels, true) };
    return { name: input.name, dtype: 'float32' as const, shape: input.shape, data: pixels.map((v) => v / 255) };
  }));
}
