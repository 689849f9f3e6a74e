// The model card's figures: the float16 source model and the int8 model, both in the official LiteRT
// interpreter (Node), on augmented images made with another seed than the calibration set. Compares the
// faces found after the app's own post-processing (anchors, decoding, weighted NMS) and their scores.
// Usage: pnpm --filter @borde/example-kiosk agreement [--json]
import { readFileSync } from 'node:fs';
import { openLiteRtModel, type LiteRtNodeModel } from '@borde/runtime/node';
import { facesFromOutputs } from '../src/faces.js';
import { intersectionOverUnion } from '../src/nms.js';
import type { Detection } from '../src/decode.js';
import { rgbaToSymmetricInput } from '../src/letterbox.js';
import { augment } from './augment.js';
import { readPng } from './image.js';
import { EVALUATION, floatModelPath, MODEL_FILE, SOURCE_IMAGE } from './paths.js';

interface RunResult {
  faces: Detection[];
  /** Logits of every anchor. */
  logits: Float32Array;
}

async function run(model: LiteRtNodeModel, input: Float32Array): Promise<RunResult> {
  const outputs = await model.run([{ dtype: 'float32', shape: [1, 128, 128, 3], data: input }]);
  const regressors = outputs.find((o) => o.shape[o.shape.length - 1] === 16)!;
  const classificators = outputs.find((o) => o.shape[o.shape.length - 1] === 1)!;
  const logits = classificators.data as Float32Array;
  return { faces: facesFromOutputs(regressors.data as Float32Array, logits), logits };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, x))));

export interface Agreement {
  images: number;
  floatFaces: number;
  int8Faces: number;
  /** Images where both found the same number of faces. */
  sameCount: number;
  /** Faces matched one to one (IoU > 0.5), and their score and IoU statistics. */
  matched: number;
  meanIou: number;
  minIou: number;
  meanScoreDiff: number;
  maxScoreDiff: number;
  /** Over all 896 anchors of all images: |sigmoid(int8 logit) - sigmoid(float logit)|. */
  anchorScoreDiffMean: number;
  anchorScoreDiffMax: number;
  /** Face counts of the original photo (letterboxing not needed: it is square). */
  astronaut: { float: Detection[]; int8: Detection[] };
}

export async function measureAgreement(): Promise<Agreement> {
  const source = readPng(SOURCE_IMAGE);
  const images = augment(source, EVALUATION.count, EVALUATION.seed);
  const floatModel = await openLiteRtModel(new Uint8Array(readFileSync(floatModelPath())));
  const int8Model = await openLiteRtModel(new Uint8Array(readFileSync(modelArgument() ?? MODEL_FILE)));
  const a: Agreement = {
    images: images.length, floatFaces: 0, int8Faces: 0, sameCount: 0, matched: 0, meanIou: 0, minIou: 1,
    meanScoreDiff: 0, maxScoreDiff: 0, anchorScoreDiffMean: 0, anchorScoreDiffMax: 0,
    astronaut: { float: [], int8: [] },
  };
  let anchorCount = 0;
  try {
    for (const item of images) {
      const input = rgbaToSymmetricInput(item.image.data, 128 * 128);
      const f = await run(floatModel, input);
      const q = await run(int8Model, input);
      a.floatFaces += f.faces.length;
      a.int8Faces += q.faces.length;
      if (f.faces.length === q.faces.length) a.sameCount++;
      for (const face of f.faces) {
        const best = q.faces.map((g) => ({ g, iou: intersectionOverUnion(face, g) })).sort((x, y) => y.iou - x.iou)[0];
        if (!best || best.iou <= 0.5) continue;
        a.matched++;
        a.meanIou += best.iou;
        a.minIou = Math.min(a.minIou, best.iou);
        const diff = Math.abs(best.g.score - face.score);
        a.meanScoreDiff += diff;
        a.maxScoreDiff = Math.max(a.maxScoreDiff, diff);
      }
      for (let i = 0; i < f.logits.length; i++) {
        const diff = Math.abs(sigmoid(q.logits[i]!) - sigmoid(f.logits[i]!));
        a.anchorScoreDiffMean += diff;
        a.anchorScoreDiffMax = Math.max(a.anchorScoreDiffMax, diff);
        anchorCount++;
      }
    }
    const whole = await import('./image.js').then((m) => m.resampleRegion(source, { x: 0, y: 0, width: source.width, height: source.height }, 128, 128));
    const input = rgbaToSymmetricInput(whole.data, 128 * 128);
    a.astronaut = { float: (await run(floatModel, input)).faces, int8: (await run(int8Model, input)).faces };
  } finally {
    floatModel.close();
    int8Model.close();
  }
  a.meanIou = a.matched ? a.meanIou / a.matched : 0;
  a.meanScoreDiff = a.matched ? a.meanScoreDiff / a.matched : 0;
  a.anchorScoreDiffMean /= anchorCount;
  return a;
}

/** The figures in lines, as printed by `pnpm agreement` and the model build. */
export function formatAgreement(result: Agreement): string[] {
  const r = (x: number, d = 3) => x.toFixed(d);
  const box = (d: Detection) => `x ${r(d.xMin * 512, 0)}..${r((d.xMin + d.width) * 512, 0)}, y ${r(d.yMin * 512, 0)}..${r((d.yMin + d.height) * 512, 0)} (512px), score ${r(d.score)}`;
  return [
    `images ${result.images} (augmented, seed ${EVALUATION.seed})`,
    `faces found: float ${result.floatFaces}, int8 ${result.int8Faces}; same count on ${result.sameCount}/${result.images} images`,
    `matched faces (IoU > 0.5): ${result.matched}; IoU mean ${r(result.meanIou)}, min ${r(result.minIou)}`,
    `score difference of matched faces: mean ${r(result.meanScoreDiff, 4)}, max ${r(result.maxScoreDiff, 4)}`,
    `score difference over all anchors: mean ${r(result.anchorScoreDiffMean, 5)}, max ${r(result.anchorScoreDiffMax, 4)}`,
    `astronaut.png float: ${result.astronaut.float.map(box).join('; ')}`,
    `astronaut.png int8:  ${result.astronaut.int8.map(box).join('; ')}`,
  ];
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  const result = await measureAgreement();
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
  else console.log(formatAgreement(result).join('\n'));
}

/** `--model <file>`: measure another int8 file than the built one (e.g. another calibration method). */
function modelArgument(): string | undefined {
  const at = process.argv.indexOf('--model');
  return at > 0 ? process.argv[at + 1] : undefined;
}
