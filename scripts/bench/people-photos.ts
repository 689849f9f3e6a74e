// Photos of people for the int8 landmark benchmark, from Debian packages (no other source is reachable):
// opencv-doc's sample data (messi5.jpg, basketball1/2.png: two people throwing a ball, consecutive frames)
// and python3-skimage's test images (astronaut.png: Eileen Collins, public domain; camera.png: the
// cameraman). Fetched once with `apt-get download` and unpacked with `dpkg -x` into the corpus cache.
// Boxes were checked by hand on each photo: people (x0, y0, x1, y1) and hands (centre and size), in pixels.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@borde/converter/verify';
import { decodeImage } from '../../converter/src/calibration/images.js';
import { CACHE_DIR } from '../corpus/fetch.js';

export interface PeoplePhoto {
  name: string;
  /** Debian package and path inside it. */
  deb: string;
  path: string;
  people: [number, number, number, number][];
  /** Hand centre x, y and size (the hand's extent) in pixels. */
  hands: [number, number, number][];
}

export const PHOTOS: PeoplePhoto[] = [
  { name: 'basketball1.png', deb: 'opencv-doc', path: 'usr/share/doc/opencv-doc/examples/data/basketball1.png',
    people: [[28, 78, 165, 480], [432, 18, 640, 480]], hands: [[140, 152, 60], [455, 240, 60]] },
  { name: 'basketball2.png', deb: 'opencv-doc', path: 'usr/share/doc/opencv-doc/examples/data/basketball2.png',
    people: [[28, 78, 170, 480], [425, 18, 640, 480]], hands: [[150, 155, 60], [452, 225, 60]] },
  { name: 'astronaut.png', deb: 'python3-skimage', path: 'usr/lib/python3/dist-packages/skimage/data/astronaut.png',
    people: [[18, 12, 365, 512]], hands: [] },
  { name: 'messi5.jpg', deb: 'opencv-doc', path: 'usr/share/doc/opencv-doc/examples/data/messi5.jpg',
    people: [[65, 58, 462, 338]], hands: [[85, 97, 45], [362, 163, 45]] },
  { name: 'camera.png', deb: 'python3-skimage', path: 'usr/lib/python3/dist-packages/skimage/data/camera.png',
    people: [[0, 62, 335, 512]], hands: [[318, 185, 50], [210, 222, 55]] },
];

/** Calibrate on these photos; judge on the others (different people and scenes). */
export const CALIBRATION_PHOTOS = new Set(['basketball1.png', 'basketball2.png', 'astronaut.png']);

const PHOTO_DIR = join(CACHE_DIR, 'debian-people-photos');

/** The photo files, fetched from their Debian packages on first use. */
export function ensurePhotos(): string {
  if (PHOTOS.every((p) => existsSync(join(PHOTO_DIR, p.name)))) return PHOTO_DIR;
  mkdirSync(PHOTO_DIR, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'borde-photos-'));
  try {
    const debs = [...new Set(PHOTOS.map((p) => p.deb))];
    execFileSync('apt-get', ['download', ...debs], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    for (const deb of debs) {
      const file = execFileSync('sh', ['-c', `ls ${deb}_*.deb`], { cwd: work, encoding: 'utf8' }).trim();
      execFileSync('dpkg', ['-x', file, 'root'], { cwd: work });
    }
    for (const p of PHOTOS) copyFileSync(join(work, 'root', p.path), join(PHOTO_DIR, p.name));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return PHOTO_DIR;
}

export interface Image {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export async function loadPhoto(photo: PeoplePhoto): Promise<Image> {
  return decodeImage(join(ensurePhotos(), photo.name));
}

/**
 * A square crop of side `side` centred on (cx, cy), mirrored if asked, resampled bilinearly to size x size
 * RGB; outside the photo is black (MediaPipe's ImageToTensor pads with zeros). Values mapped to [lo, hi].
 */
export function squareCrop(image: Image, cx: number, cy: number, side: number, size: number, mirror: boolean, [lo, hi]: [number, number]): Float32Array {
  const out = new Float32Array(size * size * 3);
  const at = (x: number, y: number, c: number) =>
    x < 0 || y < 0 || x >= image.width || y >= image.height ? 0 : image.rgba[(y * image.width + x) * 4 + c]!;
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      const u = (mirror ? size - 1 - ox : ox) + 0.5;
      const sx = cx + (u / size - 0.5) * side - 0.5;
      const sy = cy + ((oy + 0.5) / size - 0.5) * side - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const v = (1 - fy) * ((1 - fx) * at(x0, y0, c) + fx * at(x0 + 1, y0, c)) + fy * ((1 - fx) * at(x0, y0 + 1, c) + fx * at(x0 + 1, y0 + 1, c));
        out[(oy * size + ox) * 3 + c] = lo + (v / 255) * (hi - lo);
      }
    }
  }
  return out;
}

/** `count` seeded variants of a crop: shifted by up to 8% of the side, scaled 0.9-1.15, every other one mirrored. */
export function jitteredCrops(image: Image, cx: number, cy: number, side: number, size: number, count: number, seed: number, range: [number, number]): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, k) => {
    const s = side * (0.9 + 0.25 * rng());
    return squareCrop(image, cx + (rng() - 0.5) * 0.16 * side, cy + (rng() - 0.5) * 0.16 * side, s, size, k % 2 === 1, range);
  });
}
