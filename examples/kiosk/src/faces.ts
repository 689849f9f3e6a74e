/** The whole post-processing of face_detection_short_range: raw outputs to the faces found. */
import { generateAnchors, type Anchor } from './anchors.js';
import { decodeDetections, FACE_SHORT_RANGE_DECODE, type Detection } from './decode.js';
import { weightedNonMaxSuppression } from './nms.js';

export const FACE_INPUT_SIZE = 128;

let anchors: Anchor[] | undefined;

/** Faces in `regressors` [1, 896, 16] and `classificators` [1, 896, 1], normalized to the input, best first. */
export function facesFromOutputs(
  regressors: ArrayLike<number>,
  classificators: ArrayLike<number>,
  minScore: number = FACE_SHORT_RANGE_DECODE.minScore,
): Detection[] {
  anchors ??= generateAnchors();
  return weightedNonMaxSuppression(decodeDetections(regressors, classificators, anchors, { ...FACE_SHORT_RANGE_DECODE, minScore }));
}
