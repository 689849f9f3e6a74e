// The first Fashion-MNIST training images as grey PNG files: the calibration folder a user would drop in the
// studio or pass to `borde convert --calibration` (the model's input is byte / 255, so PNG bytes are exact).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFashionMnist } from '@borde/models';
import { encode } from 'fast-png';

export function writeFashionMnistPngs(dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const train = loadFashionMnist('train');
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const pixels = Uint8Array.from(train.images.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
    const file = join(dir, `${String(i).padStart(3, '0')}.png`);
    writeFileSync(file, encode({ width: 28, height: 28, data: pixels, channels: 1, depth: 8 }));
    files.push(file);
  }
  return files;
}
