/**
 * Raw outputs of face_detection_short_range to scored boxes: MediaPipe's TensorsToDetectionsCalculator with
 * the options of face_detection_short_range.pbtxt (num_coords 16: box then 6 keypoints, reverse_output_order,
 * x/y/w/h scale 128, sigmoid scores clipped at +-100, min score 0.5).
 */
import type { Anchor } from './anchors.js';

export interface Keypoint {
  x: number;
  y: number;
}

/** A detection in coordinates normalized to the model input (0..1; may spill over the edges). */
export interface Detection {
  xMin: number;
  yMin: number;
  width: number;
  height: number;
  score: number;
  /** Right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion (MediaPipe's order). */
  keypoints: Keypoint[];
}

export interface DecodeOptions {
  numCoords: number;
  numKeypoints: number;
  xScale: number;
  yScale: number;
  wScale: number;
  hScale: number;
  scoreClippingThreshold: number;
  minScore: number;
}

export const FACE_SHORT_RANGE_DECODE: DecodeOptions = {
  numCoords: 16,
  numKeypoints: 6,
  xScale: 128,
  yScale: 128,
  wScale: 128,
  hScale: 128,
  scoreClippingThreshold: 100,
  minScore: 0.5,
};

/** Sigmoid of a logit clipped to [-threshold, threshold], as MediaPipe does before it (no overflow). */
export function clippedSigmoid(logit: number, threshold: number): number {
  const clipped = Math.max(-threshold, Math.min(threshold, logit));
  return 1 / (1 + Math.exp(-clipped));
}

/**
 * Every anchor whose score reaches `minScore`, decoded. `regressors` is [1, anchors, numCoords] and
 * `classificators` [1, anchors, 1], both float (the int8 model here keeps float inputs and outputs).
 */
export function decodeDetections(
  regressors: ArrayLike<number>,
  classificators: ArrayLike<number>,
  anchors: readonly Anchor[],
  options: DecodeOptions = FACE_SHORT_RANGE_DECODE,
): Detection[] {
  if (classificators.length !== anchors.length || regressors.length !== anchors.length * options.numCoords) {
    throw new RangeError(
      `decodeDetections: expected ${anchors.length} scores and ${anchors.length * options.numCoords} box values ` +
        `(${anchors.length} anchors x ${options.numCoords}), got ${classificators.length} and ${regressors.length}`,
    );
  }
  const detections: Detection[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const score = clippedSigmoid(classificators[i]!, options.scoreClippingThreshold);
    if (score < options.minScore) continue;
    detections.push({ ...decodeBox(regressors, i, anchors[i]!, options), score });
  }
  return detections;
}

/** Box and keypoints of anchor `i` (reverse_output_order: x, y, w, h; keypoints x, y). */
export function decodeBox(
  regressors: ArrayLike<number>,
  i: number,
  anchor: Anchor,
  options: DecodeOptions = FACE_SHORT_RANGE_DECODE,
): Omit<Detection, 'score'> {
  const base = i * options.numCoords;
  const xCenter = (regressors[base]! / options.xScale) * anchor.width + anchor.xCenter;
  const yCenter = (regressors[base + 1]! / options.yScale) * anchor.height + anchor.yCenter;
  const width = (regressors[base + 2]! / options.wScale) * anchor.width;
  const height = (regressors[base + 3]! / options.hScale) * anchor.height;
  const keypoints: Keypoint[] = [];
  for (let k = 0; k < options.numKeypoints; k++) {
    const offset = base + 4 + k * 2;
    keypoints.push({
      x: (regressors[offset]! / options.xScale) * anchor.width + anchor.xCenter,
      y: (regressors[offset + 1]! / options.yScale) * anchor.height + anchor.yCenter,
    });
  }
  return { xMin: xCenter - width / 2, yMin: yCenter - height / 2, width, height, keypoints };
}
