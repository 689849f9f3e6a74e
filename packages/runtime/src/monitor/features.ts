// Per-sample features shared by the converter (building the reference statistics) and the monitor (live
// windows): each feature turns one sample's tensor into a vector of shares summing to 1, so a window's
// distribution is the mean of its samples' vectors and compares directly with the calibration reference.
import type { ModelTensorInfo } from '../model.js';
import type { CalibrationStats, StatsFeature, TensorStats } from './stats-format.js';
import { CALIBRATION_STATS_METADATA, CALIBRATION_STATS_VERSION, QUANTILE_LEVELS } from './stats-format.js';

/**
 * Real values of a quantized tensor's data; float data as is (also the real values an app may pass for an int8
 * input, which run() quantizes itself).
 */
export function realValues(info: Pick<ModelTensorInfo, 'dtype' | 'quantization'>, data: ArrayLike<number>): ArrayLike<number> {
  const q = info.quantization;
  if (!q || info.dtype === 'float32' || data instanceof Float32Array || data instanceof Float64Array) return data;
  const scale = q.scale[0]!;
  const zero = q.zeroPoint[0]!;
  return Float32Array.from(data as ArrayLike<number>, (v) => (v - zero) * scale);
}

/** A tensor as the statistics see it: name and shape (batch first). */
export interface TensorShapeInfo {
  name: string;
  shape: readonly number[];
}

export function binCount(f: StatsFeature): number {
  return f.kind === 'values' ? f.edges.length + 1 : f.kind === 'regions' ? f.grid[0] * f.grid[1] : f.reference.length;
}

function binOf(edges: readonly number[], v: number): number {
  // First edge >= v (binary search); values above every edge go to the last bin.
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Writes one sample's share vector for `f` into `out` (length binCount(f), zeroed here). */
export function sampleShares(f: StatsFeature, shape: readonly number[], data: ArrayLike<number>, out: Float64Array): void {
  out.fill(0);
  if (f.kind === 'values') {
    if (f.of === 'max') {
      out[binOf(f.edges, maxOf(data))] = 1;
      return;
    }
    for (let i = 0; i < data.length; i++) out[binOf(f.edges, data[i]!)]! += 1;
    for (let b = 0; b < out.length; b++) out[b]! /= data.length || 1;
    return;
  }
  if (f.kind === 'classes') {
    out[argmax(data)] = 1;
    return;
  }
  const [rows, cols] = f.grid;
  const { height, width, channels } = imageDims(shape);
  let total = 0;
  for (let y = 0; y < height; y++) {
    const r = Math.min(rows - 1, Math.floor((y * rows) / height));
    for (let x = 0; x < width; x++) {
      const c = Math.min(cols - 1, Math.floor((x * cols) / width));
      for (let k = 0; k < channels; k++) {
        const v = Math.max(0, data[(y * width + x) * channels + k]! - f.offset);
        out[r * cols + c]! += v;
        total += v;
      }
    }
  }
  if (total > 0) for (let b = 0; b < out.length; b++) out[b]! /= total;
  else out.fill(1 / out.length);
}

function maxOf(data: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i]! > m) m = data[i]!;
  return m;
}

function argmax(data: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < data.length; i++) if (data[i]! > data[best]!) best = i;
  return best;
}

function imageDims(shape: readonly number[]): { height: number; width: number; channels: number } {
  return { height: shape[1]!, width: shape[2]!, channels: shape[3] ?? 1 };
}

/** NHWC images of at least 8x8 get the region feature. */
function isImage(shape: readonly number[]): boolean {
  return shape.length === 4 && shape[0] === 1 && shape[1]! >= 8 && shape[2]! >= 8;
}

/** One sample's scores per class: [1, K] (or [K]) with K >= 2. */
export function isClassScores(shape: readonly number[]): boolean {
  const k = shape[shape.length - 1]!;
  return k >= 2 && shape.slice(0, -1).every((d) => d === 1);
}

const MAX_QUANTILE_VALUES = 1 << 20;
const BINS = 10;
/** Regions per side of an image (each region of a 28x28 image is 4x4 pixels). */
const GRID = 7;

/** Edges at the calibration deciles (duplicates dropped: many zeros give one `<= 0` bin) and the quantiles. */
function valueEdges(values: Float64Array): { edges: number[]; quantiles: number[] } {
  const sorted = values.sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
  const edges: number[] = [];
  for (let b = 1; b < BINS; b++) {
    const e = significant(at(b / BINS));
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return { edges, quantiles: QUANTILE_LEVELS.map((q) => significant(at(q))) };
}

/** Every element of every sample (strided down to about a million values for large inputs). */
function pooledValues(samples: readonly ArrayLike<number>[], of: 'elements' | 'max'): Float64Array {
  if (of === 'max') return Float64Array.from(samples, maxOf);
  const total = samples.reduce((n, s) => n + s.length, 0);
  const stride = Math.max(1, Math.ceil(total / MAX_QUANTILE_VALUES));
  const out: number[] = [];
  let k = 0;
  for (const s of samples) for (let i = 0; i < s.length; i++, k++) if (k % stride === 0) out.push(s[i]!);
  return Float64Array.from(out);
}

function tensorStats(info: TensorShapeInfo, samples: readonly ArrayLike<number>[], role: 'input' | 'output'): TensorStats {
  const features: StatsFeature[] = [];
  const values = (of: 'elements' | 'max') => {
    const { edges, quantiles } = valueEdges(pooledValues(samples, of));
    features.push({ kind: 'values', of, edges, quantiles, reference: [] });
  };
  if (role === 'output' && isClassScores(info.shape)) {
    features.push({ kind: 'classes', reference: new Array<number>(info.shape[info.shape.length - 1]!).fill(0) });
    values('max');
  } else {
    values('elements');
    if (isImage(info.shape)) {
      const min = (features[0] as { quantiles: number[] }).quantiles[0]!;
      features.push({ kind: 'regions', grid: [Math.min(GRID, info.shape[1]!), Math.min(GRID, info.shape[2]!)], offset: min, reference: [] });
    }
  }
  for (const f of features) f.reference = meanShares(f, info.shape, samples);
  return { name: info.name, shape: [...info.shape], features };
}

function meanShares(f: StatsFeature, shape: readonly number[], samples: readonly ArrayLike<number>[]): number[] {
  const sum = new Float64Array(binCount(f));
  const one = new Float64Array(sum.length);
  for (const s of samples) {
    sampleShares(f, shape, s, one);
    for (let b = 0; b < sum.length; b++) sum[b]! += one[b]!;
  }
  return Array.from(sum, (v) => Math.round((v / (samples.length || 1)) * SHARE_STEPS) / SHARE_STEPS);
}

// Stored numbers are rounded (the entry stays ~1 kB on a 40 kB int8 model): edges before the reference is
// binned with them, so the converter and the monitor bin alike; shares to 1e-5 (PSI floors empty bins at 1e-4).
const SHARE_STEPS = 1e5;
function significant(v: number): number {
  return Number(v.toPrecision(6));
}

/** One calibration sample: real (dequantized) values per model input and output, in model order. */
export interface CalibrationSample {
  inputs: readonly ArrayLike<number>[];
  outputs: readonly ArrayLike<number>[];
}

/**
 * The reference statistics of a model on its calibration data: per input the value distribution (deciles,
 * quantiles) and, for images, where the mass lies; per output the class distribution and confidence, or the
 * value distribution.
 */
export function buildCalibrationStats(
  model: { inputs: readonly TensorShapeInfo[]; outputs: readonly TensorShapeInfo[] },
  samples: readonly CalibrationSample[],
): CalibrationStats {
  return {
    format: CALIBRATION_STATS_METADATA,
    version: CALIBRATION_STATS_VERSION,
    samples: samples.length,
    inputs: model.inputs.map((t, i) => tensorStats(t, samples.map((s) => s.inputs[i]!), 'input')),
    outputs: model.outputs.map((t, i) => tensorStats(t, samples.map((s) => s.outputs[i]!), 'output')),
  };
}
