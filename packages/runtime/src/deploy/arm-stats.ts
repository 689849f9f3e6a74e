// What one arm of a deployment recorded: runs, errors, latency and the distribution of its answers.
import { isClassScores, realValues } from '../monitor/features.js';
import type { ModelOutput } from '../model.js';

const LATENCY_SAMPLES = 1000;

export interface OutputDistribution {
  name: string;
  /** Class-score outputs: how often each class was the top one. */
  topClassCounts?: number[];
  /** Other outputs: the range and mean of their values. */
  min?: number;
  max?: number;
  mean?: number;
}

export interface ArmReport {
  runs: number;
  errors: number;
  /** The last error's message, if any. */
  lastError?: string;
  /** Latency of model.run in ms (over the last 1000 runs). */
  latencyMs: { mean: number; p50: number; p95: number } | null;
  outputs: OutputDistribution[];
}

export class ArmStats {
  private runs = 0;
  private errors = 0;
  private lastError: string | undefined;
  private readonly latencies: number[] = [];
  private readonly outputs = new Map<string, { classes?: number[]; min: number; max: number; sum: number; n: number }>();

  recordRun(ms: number, outputs: readonly ModelOutput[]): void {
    this.runs++;
    this.latencies.push(ms);
    if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
    for (const o of outputs) {
      const values = realOf(o);
      let d = this.outputs.get(o.name);
      if (!d) this.outputs.set(o.name, (d = { min: Infinity, max: -Infinity, sum: 0, n: 0, ...(isClassScores(o.shape) ? { classes: new Array<number>(values.length).fill(0) } : {}) }));
      if (d.classes) d.classes[topIndex(values)]! += 1;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (v < d.min) d.min = v;
        if (v > d.max) d.max = v;
        d.sum += v;
      }
      d.n += values.length;
    }
  }

  recordError(error: unknown): void {
    this.runs++;
    this.errors++;
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  report(): ArmReport {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return {
      runs: this.runs,
      errors: this.errors,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      latencyMs: sorted.length ? { mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, p50: at(0.5), p95: at(0.95) } : null,
      outputs: [...this.outputs].map(([name, d]) =>
        d.classes ? { name, topClassCounts: [...d.classes] } : { name, min: d.min, max: d.max, mean: d.sum / (d.n || 1) }),
    };
  }
}

/** Real values of an output (int8 outputs dequantized). */
export function realOf(o: ModelOutput): ArrayLike<number> {
  return realValues(o, o.data as ArrayLike<number>);
}

export function topIndex(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
