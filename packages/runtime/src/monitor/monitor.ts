// monitor(model): running statistics of what the model sees and answers, on the device, against the
// calibration statistics stored in the model; a drift event when a window strays past a threshold.
import { RuntimeError } from '../errors.js';
import type { Model, ModelInputs, ModelOutput, ModelRunOptions, ModelTensorInfo } from '../model.js';
import { ks, psi } from './drift-score.js';
import { binCount, realValues, sampleShares } from './features.js';
import { readCalibrationStats, type CalibrationStats, type StatsFeature, type TensorStats } from './stats-format.js';

/** Share of the thresholds every score must fall under for a drifting monitor to recover. */
const RECOVER = 0.8;

export interface DriftThreshold {
  /** PSI above which a feature drifts (default 0.25, the usual "significant shift"). */
  psi: number;
  /** KS statistic above which a value distribution drifts (default 0.2). */
  ks: number;
}

export interface MonitorOptions {
  /** Samples in the sliding window compared with the reference (default 300). Scores start once it is full. */
  window?: number;
  threshold?: Partial<DriftThreshold>;
  /** Called when the monitor enters the drifting state (once per episode, not per sample). */
  onDrift?: (event: DriftEvent) => void;
  /** Called when a drifting monitor's window is back under 0.8 of every threshold. */
  onRecover?: (event: DriftEvent) => void;
  /** Reference statistics; default: the model's `borde_calibration_stats` metadata. */
  stats?: CalibrationStats;
}

export interface FeatureScore {
  tensor: string;
  role: 'input' | 'output';
  feature: StatsFeature['kind'];
  /** For values features: what was binned. */
  of?: 'elements' | 'max';
  psi: number;
  /** KS statistic, for value distributions (classes and regions have no order). */
  ks?: number;
  drifting: boolean;
}

export interface DriftEvent {
  /** Samples observed since the monitor started (or was reset). */
  observed: number;
  window: number;
  /** The features over a threshold, worst PSI first. */
  drifting: FeatureScore[];
  scores: FeatureScore[];
}

export interface DriftReport {
  format: 'borde_drift_report';
  version: 1;
  observed: number;
  window: number;
  /** Samples in the current window. */
  filled: number;
  threshold: DriftThreshold;
  drifting: boolean;
  /** Drift episodes so far. */
  events: number;
  scores: FeatureScore[];
  /** The window's distribution beside the reference, per feature (no raw data: shares only). */
  distributions: { tensor: string; role: 'input' | 'output'; feature: StatsFeature['kind']; reference: number[]; window: number[] }[];
}

/** One feature's sliding window: the last `size` samples' share vectors and their running sum. */
class FeatureWindow {
  readonly bins: number;
  private readonly ring: Float64Array;
  private readonly sum: Float64Array;
  private readonly one: Float64Array;
  private next = 0;
  filled = 0;

  constructor(
    readonly tensor: TensorStats,
    readonly role: 'input' | 'output',
    readonly feature: StatsFeature,
    private readonly size: number,
  ) {
    this.bins = binCount(feature);
    this.ring = new Float64Array(size * this.bins);
    this.sum = new Float64Array(this.bins);
    this.one = new Float64Array(this.bins);
  }

  add(shape: readonly number[], data: ArrayLike<number>): void {
    sampleShares(this.feature, shape, data, this.one);
    const at = this.next * this.bins;
    for (let b = 0; b < this.bins; b++) {
      this.sum[b]! += this.one[b]! - this.ring[at + b]!;
      this.ring[at + b] = this.one[b]!;
    }
    this.next = (this.next + 1) % this.size;
    this.filled = Math.min(this.filled + 1, this.size);
  }

  distribution(): number[] {
    return Array.from(this.sum, (v) => Math.max(0, v) / (this.filled || 1));
  }

  score(threshold: DriftThreshold): FeatureScore {
    const window = this.distribution();
    const p = psi(this.feature.reference, window);
    const k = this.feature.kind === 'values' ? ks(this.feature.reference, window) : undefined;
    return {
      tensor: this.tensor.name,
      role: this.role,
      feature: this.feature.kind,
      ...(this.feature.kind === 'values' ? { of: this.feature.of } : {}),
      psi: p,
      ...(k !== undefined ? { ks: k } : {}),
      drifting: p > threshold.psi || (k !== undefined && k > threshold.ks),
    };
  }

  reset(): void {
    this.ring.fill(0);
    this.sum.fill(0);
    this.next = 0;
    this.filled = 0;
  }
}

export class ModelMonitor {
  readonly window: number;
  readonly threshold: DriftThreshold;
  readonly stats: CalibrationStats;
  private readonly features: FeatureWindow[] = [];
  private observedCount = 0;
  private eventCount = 0;
  private isDrifting = false;

  constructor(
    readonly model: Model,
    private readonly options: MonitorOptions = {},
  ) {
    const stats = options.stats ?? readCalibrationStats(model.metadata);
    if (!stats) {
      throw new RuntimeError('MONITOR', 'this model has no calibration statistics (metadata entry borde_calibration_stats): convert it with ' +
        '`borde convert --quantize int8 --calibration <data>` (any mode with --calibration stores them), or pass `stats` to monitor()');
    }
    this.stats = stats;
    this.window = options.window ?? 300;
    if (!Number.isInteger(this.window) || this.window < 10) {
      throw new RuntimeError('MONITOR', `monitor window must be an integer >= 10 samples, got ${String(options.window)}`);
    }
    this.threshold = { psi: 0.25, ks: 0.2, ...options.threshold };
    const add = (list: TensorStats[], role: 'input' | 'output', declared: readonly ModelTensorInfo[]) => {
      for (const t of list) {
        if (!declared.some((d) => d.name === t.name)) {
          throw new RuntimeError('MONITOR', `the calibration statistics describe ${role} "${t.name}", which this model does not have ` +
            `(its ${role}s: ${declared.map((d) => d.name).join(', ')}); pass the statistics of this model`);
        }
        for (const f of t.features) this.features.push(new FeatureWindow(t, role, f, this.window));
      }
    };
    add(stats.inputs, 'input', model.inputs);
    add(stats.outputs, 'output', model.outputs);
  }

  /** Samples observed so far. */
  get observed(): number {
    return this.observedCount;
  }

  get drifting(): boolean {
    return this.isDrifting;
  }

  /** Runs the model and observes the sample and its answer. */
  async run(inputs: ModelInputs, options?: ModelRunOptions): Promise<ModelOutput[]> {
    const values = realInputs(this.model, inputs);
    const outputs = await this.model.run(inputs, options);
    this.observe(values, outputs);
    return outputs;
  }

  /**
   * Observes one sample whose outputs the app computed itself. `inputs` as given to `run` (by name, in model
   * order, or one value); only what `stats` describes is read. Nothing is kept but the shares of the window.
   */
  observe(inputs: ModelInputs | Map<string, ArrayLike<number>>, outputs: readonly ModelOutput[]): void {
    const values = inputs instanceof Map ? inputs : realInputs(this.model, inputs);
    const outs = new Map(outputs.map((o) => [o.name, realValues(o, o.data as ArrayLike<number>)]));
    for (const f of this.features) {
      const data = f.role === 'input' ? values.get(f.tensor.name) : outs.get(f.tensor.name);
      if (!data) throw new RuntimeError('MONITOR', `monitor.observe: no value for ${f.role} "${f.tensor.name}"`);
      f.add(f.tensor.shape, data);
    }
    this.observedCount++;
    if (this.features[0]!.filled < this.window) return;
    const scores = this.scores();
    // Hysteresis: a drifting monitor recovers only when every score is well under its threshold, so that a
    // window hovering at the threshold does not raise an event per sample.
    const drifting = this.isDrifting
      ? scores.some((s) => s.psi > RECOVER * this.threshold.psi || (s.ks ?? 0) > RECOVER * this.threshold.ks)
      : scores.some((s) => s.drifting);
    if (drifting === this.isDrifting) return;
    this.isDrifting = drifting;
    const event: DriftEvent = {
      observed: this.observedCount,
      window: this.window,
      drifting: scores.filter((s) => s.drifting).sort((a, b) => b.psi - a.psi),
      scores,
    };
    if (drifting) {
      this.eventCount++;
      this.options.onDrift?.(event);
    } else this.options.onRecover?.(event);
  }

  /** Current scores per feature (over the samples in the window so far). */
  scores(): FeatureScore[] {
    return this.features.map((f) => f.score(this.threshold));
  }

  /** The monitor's state as JSON, for an app that chooses to report it (shares and scores only, no samples). */
  report(): DriftReport {
    return {
      format: 'borde_drift_report',
      version: 1,
      observed: this.observedCount,
      window: this.window,
      filled: this.features[0]?.filled ?? 0,
      threshold: { ...this.threshold },
      drifting: this.isDrifting,
      events: this.eventCount,
      scores: this.scores(),
      distributions: this.features.map((f) => ({
        tensor: f.tensor.name,
        role: f.role,
        feature: f.feature.kind,
        reference: [...f.feature.reference],
        window: f.distribution(),
      })),
    };
  }

  toJSON(): DriftReport {
    return this.report();
  }

  /** Empties the window (e.g. after a model update); the event count is kept. */
  reset(): void {
    for (const f of this.features) f.reset();
    this.observedCount = 0;
    this.isDrifting = false;
  }
}

/** Watches `model` against the calibration statistics in its metadata; see ModelMonitor. */
export function monitor(model: Model, options: MonitorOptions = {}): ModelMonitor {
  return new ModelMonitor(model, options);
}

function isArrayValue(v: unknown): v is ArrayLike<number> {
  return ArrayBuffer.isView(v);
}

/** Model inputs by name, as real values, from any form `run` accepts. */
function realInputs(model: Model, inputs: ModelInputs): Map<string, ArrayLike<number>> {
  const dataOf = (v: unknown): ArrayLike<number> | undefined =>
    isArrayValue(v) ? v : v && typeof v === 'object' && isArrayValue((v as { data?: unknown }).data) ? (v as { data: ArrayLike<number> }).data : undefined;
  const out = new Map<string, ArrayLike<number>>();
  const put = (info: ModelTensorInfo | undefined, v: unknown) => {
    const data = info ? dataOf(v) : undefined;
    if (info && data) out.set(info.name, realValues(info, data));
  };
  if (isArrayValue(inputs) || (!Array.isArray(inputs) && isArrayValue((inputs as { data?: unknown }).data))) put(model.inputs[0], inputs);
  else if (Array.isArray(inputs)) inputs.forEach((v, i) => put(model.inputs[i], v));
  else for (const [name, v] of Object.entries(inputs as Record<string, unknown>)) put(model.inputs.find((m) => m.name === name), v);
  return out;
}
