import { describe, expect, it } from 'vitest';
import { generateAnchors } from '../src/anchors.js';
import { clippedSigmoid, decodeBox, decodeDetections } from '../src/decode.js';
import { facesFromOutputs } from '../src/faces.js';
import { letterbox, toSourcePixels } from '../src/letterbox.js';
import { intersectionOverUnion, weightedNonMaxSuppression } from '../src/nms.js';

const anchors = generateAnchors();
const LOW = -20; // a logit far below the 0.5 threshold

function outputs() {
  return { regressors: new Float32Array(896 * 16), classificators: new Float32Array(896).fill(LOW) };
}

describe('box decoding (x/y/w/h scale 128)', () => {
  it('offsets the anchor centre by regressor / 128 and takes sizes as regressor / 128', () => {
    const { regressors } = outputs();
    const i = 600; // an 8x8-grid anchor
    regressors.set([12.8, -6.4, 32, 64, 0, 0, 12.8, 12.8], i * 16);
    const box = decodeBox(regressors, i, anchors[i]!);
    const a = anchors[i]!;
    expect(box.width).toBeCloseTo(0.25, 6);
    expect(box.height).toBeCloseTo(0.5, 6);
    expect(box.xMin + box.width / 2).toBeCloseTo(a.xCenter + 0.1, 6);
    expect(box.yMin + box.height / 2).toBeCloseTo(a.yCenter - 0.05, 6);
    expect(box.keypoints[0]).toEqual({ x: a.xCenter, y: a.yCenter });
    expect(box.keypoints[1]!.x).toBeCloseTo(a.xCenter + 0.1, 6);
    expect(box.keypoints).toHaveLength(6);
  });

  it('scores with a sigmoid of the logit clipped to +-100 and keeps scores >= 0.5 only', () => {
    expect(clippedSigmoid(0, 100)).toBe(0.5);
    expect(clippedSigmoid(1e6, 100)).toBe(1 / (1 + Math.exp(-100)));
    expect(clippedSigmoid(-1e6, 100)).toBeGreaterThan(0);
    const { regressors, classificators } = outputs();
    classificators[10] = 2;
    classificators[20] = -0.01;
    classificators[30] = 0;
    const found = decodeDetections(regressors, classificators, anchors);
    expect(found.map((d) => d.score)).toEqual([1 / (1 + Math.exp(-2)), 0.5]);
  });

  it('refuses outputs of the wrong size, naming both counts', () => {
    expect(() => decodeDetections(new Float32Array(10), new Float32Array(896), anchors)).toThrow(/14336 box values/);
  });
});

describe('weighted non-max suppression', () => {
  const face = (x: number, score: number) => ({ xMin: x, yMin: 0.2, width: 0.2, height: 0.2, score, keypoints: [{ x, y: 0.2 }] });

  it('averages overlapping boxes weighted by score, keeps the top score, leaves separate faces alone', () => {
    const merged = weightedNonMaxSuppression([face(0.1, 0.6), face(0.12, 0.9), face(0.6, 0.7)]);
    expect(merged).toHaveLength(2);
    expect(merged[0]!.score).toBe(0.9);
    expect(merged[0]!.xMin).toBeCloseTo((0.1 * 0.6 + 0.12 * 0.9) / 1.5, 6);
    expect(merged[0]!.keypoints[0]!.x).toBeCloseTo((0.1 * 0.6 + 0.12 * 0.9) / 1.5, 6);
    expect(merged[1]!.score).toBe(0.7);
    expect(merged[1]!.xMin).toBeCloseTo(0.6, 12);
    expect(merged[1]!.width).toBeCloseTo(0.2, 12);
  });

  it('measures overlap as intersection over union', () => {
    expect(intersectionOverUnion(face(0.1, 1), face(0.1, 1))).toBeCloseTo(1, 6);
    expect(intersectionOverUnion(face(0.1, 1), face(0.2, 1))).toBeCloseTo(0.1 * 0.2 / (2 * 0.04 - 0.1 * 0.2), 6);
    expect(intersectionOverUnion(face(0.1, 1), face(0.5, 1))).toBe(0);
  });

  it('turns a cluster of neighbouring anchors firing on one face into one face', () => {
    const { regressors, classificators } = outputs();
    // The two anchors of two neighbouring 16x16 cells, each predicting a 40-pixel box around its centre.
    for (const i of [100, 101, 102, 103]) {
      classificators[i] = 3;
      regressors.set([0, 0, 40, 40], i * 16);
    }
    const faces = facesFromOutputs(regressors, classificators);
    expect(faces).toHaveLength(1);
    expect(faces[0]!.width).toBeCloseTo(40 / 128, 6);
  });
});

describe('letterbox', () => {
  it('maps a face found in the padded square back to the pixels of a landscape frame', () => {
    const box = letterbox(640, 480, 128);
    expect(box).toEqual({ x: 0, y: 16, width: 128, height: 96, size: 128 });
    // A face at input pixels (32..64, 48..80) is at frame pixels (160..320, 160..320).
    const pixels = toSourcePixels({ xMin: 32 / 128, yMin: 48 / 128, width: 0.25, height: 0.25, score: 0.9, keypoints: [] }, box, 640, 480);
    expect(pixels.x).toBeCloseTo(160, 6);
    expect(pixels.y).toBeCloseTo(160, 6);
    expect(pixels.width).toBeCloseTo(160, 6);
    expect(pixels.height).toBeCloseTo(160, 6);
  });
});
