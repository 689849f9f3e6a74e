/** One frame through the model: letterbox to 128x128, [-1, 1] input, run, post-process, back to source pixels. */
import type { Model } from '@borde/runtime';
import { FACE_INPUT_SIZE, facesFromOutputs } from './faces.js';
import { letterbox, rgbaToSymmetricInput, toSourcePixels, type PixelBox } from './letterbox.js';

export class FaceDetector {
  private readonly input = new OffscreenCanvas(FACE_INPUT_SIZE, FACE_INPUT_SIZE);
  private readonly inputContext = this.input.getContext('2d', { willReadFrequently: true })!;

  constructor(readonly model: Model) {}

  /** Faces in `source` (width x height pixels), in its pixels, best first. */
  async detect(source: CanvasImageSource, width: number, height: number): Promise<PixelBox[]> {
    const box = letterbox(width, height, FACE_INPUT_SIZE);
    const context = this.inputContext;
    context.fillStyle = '#000';
    context.fillRect(0, 0, FACE_INPUT_SIZE, FACE_INPUT_SIZE);
    context.drawImage(source, box.x, box.y, box.width, box.height);
    const pixels = context.getImageData(0, 0, FACE_INPUT_SIZE, FACE_INPUT_SIZE).data;
    // A fresh array per frame, used once: transferred to the model's worker rather than copied.
    const outputs = await this.model.run(rgbaToSymmetricInput(pixels, FACE_INPUT_SIZE * FACE_INPUT_SIZE), { copy: false });
    // Found by shape, not position: [1, 896, 16] boxes and keypoints, [1, 896, 1] scores.
    const regressors = outputs.find((o) => o.shape[o.shape.length - 1] === 16);
    const classificators = outputs.find((o) => o.shape[o.shape.length - 1] === 1);
    if (!regressors || !classificators) {
      throw new Error(`the model's outputs are ${outputs.map((o) => `[${o.shape.join(', ')}]`).join(' and ')}; expected [1, 896, 16] and [1, 896, 1]`);
    }
    return facesFromOutputs(regressors.data as Float32Array, classificators.data as Float32Array).map((d) =>
      toSourcePixels(d, box, width, height),
    );
  }
}
