// Calibration images for benchmarks: seeded crops (every other one mirrored) of the photo the project ships
// (examples/kiosk/calibration/astronaut.png, public domain), resized to each image input, values in [0, 1].
// Inputs that are not images get seeded values.
import { fileURLToPath } from 'node:url';
import type { ModelInput, TensorValue } from '@borde/converter';
import { createRng, seededTensor } from '@borde/converter/verify';
import { convertChannels, decodeImage, resizeBilinear } from '../../converter/src/calibration/images.js';

const PHOTO = fileURLToPath(new URL('../../examples/kiosk/calibration/astronaut.png', import.meta.url));

export async function photoCrops(inputs: ModelInput[], count: number, seed = 11): Promise<TensorValue[][]> {
  const photo = await decodeImage(PHOTO);
  const rng = createRng(seed);
  return Array.from({ length: count }, (_s, n) => inputs.map((input, k) => {
    const [, h, w, c] = input.shape;
    if (input.shape.length !== 4 || (c !== 1 && c !== 3 && c !== 4)) {
      return { ...seededTensor({ dtype: 'float32', shape: input.shape }, 100 * n + k), name: input.name };
    }
    const side = Math.round(photo.width * (0.5 + 0.5 * rng()));
    const x0 = Math.floor(rng() * (photo.width - side + 1));
    const y0 = Math.floor(rng() * (photo.height - side + 1));
    const crop = new Uint8Array(side * side * 4);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const sx = n % 2 === 1 ? x0 + side - 1 - x : x0 + x;
        const from = ((y0 + y) * photo.width + sx) * 4;
        crop.set(photo.rgba.subarray(from, from + 4), (y * side + x) * 4);
      }
    }
    const pixels = resizeBilinear(convertChannels(crop, side * side, c), side, side, c, h!, w!);
    return { name: input.name, dtype: 'float32' as const, shape: input.shape, data: pixels.map((v) => v / 255) };
  }));
}
