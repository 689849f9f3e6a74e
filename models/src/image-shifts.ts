// Shifted Fashion-MNIST images (28x28, values in [0, 1]) for the drift tests and the demo: the same pictures inverted, blurred or rotated, as a camera
// or a new user population might change them.
const SIDE = 28;

export function inverted(image: Float32Array): Float32Array {
  return image.map((v) => 1 - v);
}

/** A 5x5 box blur (edges clamped). */
export function blurred(image: Float32Array, radius = 2): Float32Array {
  const out = new Float32Array(image.length);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const yy = Math.min(SIDE - 1, Math.max(0, y + dy));
          const xx = Math.min(SIDE - 1, Math.max(0, x + dx));
          sum += image[yy * SIDE + xx]!;
          n++;
        }
      }
      out[y * SIDE + x] = sum / n;
    }
  }
  return out;
}

/** Rotated a quarter turn clockwise (a phone held sideways). */
export function rotated(image: Float32Array): Float32Array {
  const out = new Float32Array(image.length);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) out[x * SIDE + (SIDE - 1 - y)] = image[y * SIDE + x]!;
  return out;
}
