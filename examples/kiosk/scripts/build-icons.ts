// The PWA's icons, drawn with pngjs (no image tools needed): a dark rounded square with a face outline
// inside a detection box. 192 and 512 px, "any maskable" (the motif stays inside the safe zone).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writePng } from './image.js';
import { ICON_DIR } from './paths.js';

const BACKGROUND = [17, 24, 39];
const BOX = [52, 211, 153];
const FACE = [229, 231, 235];

function icon(size: number) {
  const data = new Uint8Array(size * size * 4);
  const c = size / 2;
  const set = (x: number, y: number, rgb: number[]) => {
    const o = (y * size + x) * 4;
    data[o] = rgb[0]!;
    data[o + 1] = rgb[1]!;
    data[o + 2] = rgb[2]!;
    data[o + 3] = 255;
  };
  const stroke = Math.max(2, Math.round(size / 40));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      set(x, y, BACKGROUND);
      // Detection box corners (brackets), inside the maskable safe zone (radius 40%).
      const bx = Math.abs(x - c);
      const by = Math.abs(y - c);
      const half = size * 0.27;
      const arm = size * 0.09;
      const onVertical = Math.abs(bx - half) < stroke && by > half - arm && by < half + stroke;
      const onHorizontal = Math.abs(by - half) < stroke && bx > half - arm && bx < half + stroke;
      if (onVertical || onHorizontal) set(x, y, BOX);
      // Face: an ellipse outline with two eyes.
      const e = ((x - c) / (size * 0.16)) ** 2 + ((y - c) / (size * 0.2)) ** 2;
      if (Math.abs(Math.sqrt(e) - 1) < stroke / (size * 0.18)) set(x, y, FACE);
      for (const ex of [-0.06, 0.06]) {
        if ((x - c - ex * size) ** 2 + (y - c + 0.04 * size) ** 2 < (stroke * 1.3) ** 2) set(x, y, FACE);
      }
    }
  }
  return { width: size, height: size, data };
}

mkdirSync(ICON_DIR, { recursive: true });
for (const size of [192, 512]) writePng(join(ICON_DIR, `icon-${size}.png`), icon(size));
console.log(`icons: ${ICON_DIR}/icon-{192,512}.png`);
