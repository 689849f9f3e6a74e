import { activationParams } from './params.js';
import type { Range } from './ranges.js';

const BINS = 2048;
/** Shares of the values the MSE search may clip off each end. */
const TAIL_SHARES = [0, 1e-6, 1e-5, 1e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1];

/**
 * Value histogram of one tensor over its observed range, for the calibration methods that clip outliers.
 */
export class Histogram {
  private readonly counts = new Float64Array(BINS);
  private readonly width: number;
  private total = 0;

  constructor(private readonly range: Range) {
    this.width = (range.max - range.min) / BINS || 1;
  }

  add(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) {
      const bin = Math.min(BINS - 1, Math.max(0, Math.floor((values[i]! - this.range.min) / this.width)));
      this.counts[bin]!++;
    }
    this.total += values.length;
  }

  private center(bin: number): number {
    return this.range.min + (bin + 0.5) * this.width;
  }

  /** The range holding `percentile`% of the values, trimming the two tails equally. */
  percentileRange(percentile: number): Range {
    const tail = (this.total * (100 - percentile)) / 200;
    let low = 0;
    for (let seen = 0; low < BINS - 1 && seen + this.counts[low]! <= tail; low++) seen += this.counts[low]!;
    let high = BINS - 1;
    for (let seen = 0; high > low && seen + this.counts[high]! <= tail; high--) seen += this.counts[high]!;
    return {
      min: low === 0 ? this.range.min : this.range.min + low * this.width,
      max: high === BINS - 1 ? this.range.max : this.range.min + (high + 1) * this.width,
    };
  }

  /**
   * The clipping range that minimises the expected squared error of int8 quantization: rounding error
   * (scale^2 / 12 per value) inside the range, clipping error outside. Each end is searched on its own
   * among the values at a ladder of tail shares (0 to 10%), so a one-sided outlier costs only its own
   * end; the observed min/max is a candidate, so the result is never worse than min/max.
   */
  mseRange(): Range {
    const lows = TAIL_SHARES.map((share) => this.quantile(share));
    const highs = TAIL_SHARES.map((share) => this.quantile(1 - share));
    let best = this.range;
    let bestError = this.expectedError(best);
    for (const min of lows) {
      for (const max of highs) {
        if (!(max > min)) continue;
        const error = this.expectedError({ min, max });
        if (error < bestError) {
          bestError = error;
          best = { min, max };
        }
      }
    }
    return best;
  }

  /** The value below which `share` of all values lie (bin edges; 0 and 1 give the observed range). */
  private quantile(share: number): number {
    if (share <= 0) return this.range.min;
    if (share >= 1) return this.range.max;
    const target = share * this.total;
    let seen = 0;
    for (let bin = 0; bin < BINS; bin++) {
      seen += this.counts[bin]!;
      if (seen >= target) return this.range.min + (bin + 1) * this.width;
    }
    return this.range.max;
  }

  private expectedError(range: Range): number {
    const { scale, zeroPoint } = activationParams(range.min, range.max);
    const lo = (-128 - zeroPoint) * scale;
    const hi = (127 - zeroPoint) * scale;
    let error = 0;
    for (let bin = 0; bin < BINS; bin++) {
      const n = this.counts[bin]!;
      if (n === 0) continue;
      const x = this.center(bin);
      const clipped = x < lo ? lo - x : x > hi ? x - hi : 0;
      error += n * (clipped > 0 ? clipped * clipped : (scale * scale) / 12);
    }
    return error;
  }
}
