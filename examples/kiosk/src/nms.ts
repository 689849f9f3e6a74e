/**
 * Weighted non-max suppression, MediaPipe's NonMaxSuppressionCalculator with algorithm WEIGHTED and
 * intersection-over-union 0.3 (face_detection_short_range.pbtxt): overlapping detections of one face are
 * averaged, weighted by score, instead of keeping only the best; this steadies boxes from frame to frame.
 */
import type { Detection } from './decode.js';

export const FACE_SHORT_RANGE_MIN_SUPPRESSION_IOU = 0.3;

export function intersectionOverUnion(a: Detection, b: Detection): number {
  const left = Math.max(a.xMin, b.xMin);
  const top = Math.max(a.yMin, b.yMin);
  const right = Math.min(a.xMin + a.width, b.xMin + b.width);
  const bottom = Math.min(a.yMin + a.height, b.yMin + b.height);
  if (right <= left || bottom <= top) return 0;
  const intersection = (right - left) * (bottom - top);
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * Best first: the top remaining detection and every remaining one overlapping it by more than
 * `minSuppressionIou` form a cluster; the result has the top score and the score-weighted mean box and
 * keypoints of the cluster. Repeats until none remain.
 */
export function weightedNonMaxSuppression(
  detections: readonly Detection[],
  minSuppressionIou: number = FACE_SHORT_RANGE_MIN_SUPPRESSION_IOU,
): Detection[] {
  let remaining = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  while (remaining.length > 0) {
    const top = remaining[0]!;
    const cluster: Detection[] = [];
    const rest: Detection[] = [];
    for (const candidate of remaining) {
      (intersectionOverUnion(top, candidate) > minSuppressionIou || candidate === top ? cluster : rest).push(candidate);
    }
    kept.push(weightedMean(cluster, top.score));
    remaining = rest;
  }
  return kept;
}

function weightedMean(cluster: readonly Detection[], score: number): Detection {
  let total = 0;
  let xMin = 0;
  let yMin = 0;
  let xMax = 0;
  let yMax = 0;
  const keypoints = cluster[0]!.keypoints.map(() => ({ x: 0, y: 0 }));
  for (const d of cluster) {
    total += d.score;
    xMin += d.xMin * d.score;
    yMin += d.yMin * d.score;
    xMax += (d.xMin + d.width) * d.score;
    yMax += (d.yMin + d.height) * d.score;
    d.keypoints.forEach((k, i) => {
      keypoints[i]!.x += k.x * d.score;
      keypoints[i]!.y += k.y * d.score;
    });
  }
  xMin /= total;
  yMin /= total;
  xMax /= total;
  yMax /= total;
  return {
    xMin,
    yMin,
    width: xMax - xMin,
    height: yMax - yMin,
    score,
    keypoints: keypoints.map((k) => ({ x: k.x / total, y: k.y / total })),
  };
}
