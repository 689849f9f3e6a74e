// Distances between a live window's distribution and the calibration reference.

/** Empty bins are floored so that a class never seen in calibration scores high, not infinite. */
const FLOOR = 1e-4;

/** Population stability index: sum over bins of (window - reference) * ln(window / reference). */
export function psi(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  let sum = 0;
  for (let b = 0; b < reference.length; b++) {
    const r = Math.max(reference[b]!, FLOOR);
    const w = Math.max(window[b]!, FLOOR);
    sum += (w - r) * Math.log(w / r);
  }
  return sum;
}

/** Kolmogorov-Smirnov statistic on ordered bins: the largest gap between the two cumulative distributions. */
export function ks(reference: ArrayLike<number>, window: ArrayLike<number>): number {
  let cr = 0;
  let cw = 0;
  let worst = 0;
  for (let b = 0; b < reference.length; b++) {
    cr += reference[b]!;
    cw += window[b]!;
    worst = Math.max(worst, Math.abs(cr - cw));
  }
  return worst;
}
