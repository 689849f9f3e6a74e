import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from './errors.js';

/** Where Debian's `dataset-fashion-mnist` puts the IDX files; `BORDE_FASHION_MNIST_DIR` overrides it. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export const FASHION_MNIST_IMAGE_SIZE = 28;

export type FashionMnistPart = 'train' | 'test';

export interface FashionMnist {
  /** count x 28 x 28 grey pixels, row-major (NHWC with one channel), scaled to [0, 1] (byte / 255). */
  images: Float32Array;
  /** Class index 0..9 per image; names in FASHION_MNIST_CLASSES. */
  labels: Uint8Array;
  count: number;
}

const IDX_UBYTE_IMAGES = 0x00000803;
const IDX_UBYTE_LABELS = 0x00000801;
const loaded = new Map<string, FashionMnist>();

export function fashionMnistDir(): string {
  return process.env['BORDE_FASHION_MNIST_DIR'] ?? FASHION_MNIST_DEFAULT_DIR;
}

/**
 * Reads one part of Fashion-MNIST from its IDX files (gzipped or not). Results are cached per process
 * and shared: do not modify the returned arrays.
 */
export function loadFashionMnist(part: FashionMnistPart, dir: string = fashionMnistDir()): FashionMnist {
  const key = `${dir}\u0000${part}`;
  const cached = loaded.get(key);
  if (cached) return cached;
  const prefix = part === 'train' ? 'train' : 't10k';
  const imageBytes = readIdx(dir, `${prefix}-images-idx3-ubyte`, IDX_UBYTE_IMAGES);
  const labelBytes = readIdx(dir, `${prefix}-labels-idx1-ubyte`, IDX_UBYTE_LABELS);
  const [count, rows, cols] = imageBytes.dims;
  if (rows !== FASHION_MNIST_IMAGE_SIZE || cols !== FASHION_MNIST_IMAGE_SIZE) {
    throw new DatasetError(imageBytes.file, `images are ${rows}x${cols}, expected 28x28`);
  }
  if (labelBytes.dims[0] !== count) {
    throw new DatasetError(labelBytes.file, `${labelBytes.dims[0]} labels for ${count} images`);
  }
  const images = new Float32Array(imageBytes.data.length);
  for (let i = 0; i < images.length; i++) images[i] = imageBytes.data[i]! / 255;
  const labels = Uint8Array.from(labelBytes.data);
  const invalid = labels.findIndex((label) => label > 9);
  if (invalid >= 0) throw new DatasetError(labelBytes.file, `label ${labels[invalid]} at index ${invalid} is not a class 0..9`);
  const result: FashionMnist = { images, labels, count: count! };
  loaded.set(key, result);
  return result;
}

function readIdx(dir: string, name: string, magic: number): { file: string; dims: number[]; data: Uint8Array } {
  const plain = join(dir, name);
  const gzipped = `${plain}.gz`;
  const file = existsSync(gzipped) ? gzipped : plain;
  if (!existsSync(file)) {
    throw new DatasetError(
      gzipped,
      'Fashion-MNIST is not installed: run `apt-get install dataset-fashion-mnist` (Debian), ' +
        'or set BORDE_FASHION_MNIST_DIR to a folder with the four IDX files',
    );
  }
  const raw = readFileSync(file);
  const bytes = file.endsWith('.gz') ? gunzipSync(raw) : raw;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0) !== magic) {
    throw new DatasetError(file, `not an IDX ${magic === IDX_UBYTE_IMAGES ? 'image' : 'label'} file (bad magic number)`);
  }
  const rank = magic & 0xff;
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== offset + size) {
    throw new DatasetError(file, `holds ${bytes.byteLength - offset} data bytes, header says ${size}`);
  }
  return { file, dims, data: bytes.subarray(offset) };
}
