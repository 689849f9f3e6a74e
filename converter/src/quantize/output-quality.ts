/**
 * Per-output quality of a quantized model against its float model (issue #10): errors are divided by the
 * float output's range, so one budget fits a landmark regressor in pixels and a probability alike, and the
 * 99th percentile keeps a few wild landmarks from hiding in a mean.
 */
export interface OutputQuality {
  name: string;
  /** Signal-to-quantization-noise ratio of the output, in dB (higher is better). */
  sqnrDb: number;
  /** Range (max - min) of the float output over the samples (at least 1 for probabilities): the unit of the relative errors. */
  range: number;
  /** mean, 99th percentile and max of |quantized - float| / range. */
  meanError: number;
  p99Error: number;
  maxError: number;
  /** The same errors in the output's own units. */
  meanAbsError: number;
  maxAbsError: number;
  /** Class-score outputs only: share of decisions (argmax over the last axis, or p > 0.5 for one unit) kept. */
  agreement?: number;
  /** Class-score outputs: how many decisions the agreement counts (rows of scores over all samples). */
  decisions?: number;
  /** Score and `--logits` outputs: the smallest move of a probability near 0.5 the output can make (0: float). */
  decisionStep?: number;
}

/** Largest number of errors kept per output for the percentile (evenly strided beyond that). */
const PERCENTILE_SAMPLE = 1 << 20;

/** Accumulates the quantized and float values of one output, sample by sample. */
export class OutputQualityMeter {
  private signal = 0;
  private noise = 0;
  private sumAbs = 0;
  private maxAbs = 0;
  private count = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private decisions = 0;
  private agreed = 0;
  private readonly errors: Float32Array[] = [];

  /**
   * `probabilities`: the output is a SOFTMAX/LOGISTIC result, so its unit is the [0, 1] probability scale
   * even when the samples span less of it (a near-uniform softmax would otherwise turn sub-step errors into
   * large fractions of a tiny observed range).
   */
  constructor(readonly name: string, private readonly classScores: boolean, private readonly probabilities = false) {}

  add(quantized: Float32Array, float: Float32Array, lastAxis: number): void {
    const errors = new Float32Array(float.length);
    for (let k = 0; k < float.length; k++) {
      const f = float[k]!;
      const e = Math.abs(f - quantized[k]!);
      errors[k] = e;
      this.signal += f * f;
      this.noise += e * e;
      this.sumAbs += e;
      if (e > this.maxAbs) this.maxAbs = e;
      if (f < this.lo) this.lo = f;
      if (f > this.hi) this.hi = f;
    }
    this.count += float.length;
    this.errors.push(errors);
    if (this.classScores) {
      const width = Math.max(1, lastAxis);
      for (let row = 0; row + width <= float.length; row += width) {
        this.decisions++;
        if (decision(float, row, width) === decision(quantized, row, width)) this.agreed++;
      }
    }
  }

  result(): OutputQuality {
    // A constant output has no range: measure against its magnitude (or 1) so errors stay meaningful.
    const observed = this.hi - this.lo > 0 ? this.hi - this.lo : Math.max(Math.abs(this.hi), Math.abs(this.lo), 1);
    const range = this.probabilities ? Math.max(observed, 1) : observed;
    return {
      name: this.name,
      sqnrDb: this.noise === 0 ? Infinity : 10 * Math.log10(this.signal / this.noise),
      range,
      meanError: this.sumAbs / Math.max(1, this.count) / range,
      p99Error: this.percentile(0.99) / range,
      maxError: this.maxAbs / range,
      meanAbsError: this.sumAbs / Math.max(1, this.count),
      maxAbsError: this.maxAbs,
      ...(this.classScores ? { agreement: this.decisions === 0 ? 1 : this.agreed / this.decisions, decisions: this.decisions } : {}),
    };
  }

  private percentile(p: number): number {
    const stride = Math.max(1, Math.ceil(this.count / PERCENTILE_SAMPLE));
    const kept: number[] = [];
    let k = 0;
    for (const errors of this.errors) for (const e of errors) if (k++ % stride === 0) kept.push(e);
    if (kept.length === 0) return 0;
    const sorted = Float32Array.from(kept).sort();
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  }
}

/** The decision of one row of class scores: argmax, or p > 0.5 for a single sigmoid unit. */
function decision(values: Float32Array, start: number, width: number): number {
  if (width === 1) return values[start]! > 0.5 ? 1 : 0;
  let best = start;
  for (let i = start + 1; i < start + width; i++) if (values[i]! > values[best]!) best = i;
  return best - start;
}
