/** Paints a frame and what was found in it: boxes with scores, or the face regions blurred. */
import type { PixelBox } from './letterbox.js';

/** Grows a box by `margin` of its size on every side (hair and chin lie outside the detector's box). */
function grown(box: PixelBox, margin: number): { x: number; y: number; width: number; height: number } {
  return {
    x: box.x - box.width * margin,
    y: box.y - box.height * margin,
    width: box.width * (1 + 2 * margin),
    height: box.height * (1 + 2 * margin),
  };
}

export function drawFrame(
  context: CanvasRenderingContext2D,
  source: CanvasImageSource,
  width: number,
  height: number,
  faces: readonly PixelBox[],
  blur: boolean,
): void {
  const canvas = context.canvas;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  context.drawImage(source, 0, 0, width, height);
  if (blur) {
    for (const face of faces) blurRegion(context, source, width, height, grown(face, 0.2));
    return;
  }
  const line = Math.max(2, Math.round(width / 320));
  context.lineWidth = line;
  context.font = `${Math.max(12, Math.round(width / 40))}px system-ui, sans-serif`;
  for (const face of faces) {
    context.strokeStyle = '#34d399';
    context.strokeRect(face.x, face.y, face.width, face.height);
    context.fillStyle = '#34d399';
    context.fillText(`${Math.round(face.score * 100)}%`, face.x, Math.max(12, face.y - line * 2));
    for (const k of face.keypoints) context.fillRect(k.x - line, k.y - line, line * 2, line * 2);
  }
}

/**
 * Makes a region unrecognisable: a mosaic (drawn down to a few cells and back up without smoothing), then a
 * blur where the canvas supports filters. The mosaic alone already hides the face on browsers without them.
 */
function blurRegion(
  context: CanvasRenderingContext2D,
  source: CanvasImageSource,
  width: number,
  height: number,
  region: { x: number; y: number; width: number; height: number },
): void {
  const x = Math.max(0, Math.floor(region.x));
  const y = Math.max(0, Math.floor(region.y));
  const w = Math.min(width, Math.ceil(region.x + region.width)) - x;
  const h = Math.min(height, Math.ceil(region.y + region.height)) - y;
  if (w <= 0 || h <= 0) return;
  const cells = 8;
  const small = new OffscreenCanvas(cells, Math.max(1, Math.round((cells * h) / w)));
  const smallContext = small.getContext('2d')!;
  // Source pixels, not the canvas: boxes drawn earlier never leak into the mosaic.
  const sx = (x / width) * sourceWidth(source, width);
  const sy = (y / height) * sourceHeight(source, height);
  const sw = (w / width) * sourceWidth(source, width);
  const sh = (h / height) * sourceHeight(source, height);
  smallContext.drawImage(source, sx, sy, sw, sh, 0, 0, small.width, small.height);
  context.save();
  context.beginPath();
  context.rect(x, y, w, h);
  context.clip();
  context.imageSmoothingEnabled = false;
  if ('filter' in context) context.filter = `blur(${Math.max(4, Math.round(w / 12))}px)`;
  context.drawImage(small, x, y, w, h);
  context.restore();
}

function sourceWidth(source: CanvasImageSource, fallback: number): number {
  if (source instanceof HTMLVideoElement) return source.videoWidth;
  if (source instanceof HTMLImageElement) return source.naturalWidth;
  return 'width' in source && typeof source.width === 'number' ? source.width : fallback;
}

function sourceHeight(source: CanvasImageSource, fallback: number): number {
  if (source instanceof HTMLVideoElement) return source.videoHeight;
  if (source instanceof HTMLImageElement) return source.naturalHeight;
  return 'height' in source && typeof source.height === 'number' ? source.height : fallback;
}
