// The calibration statistics the converter stores in a model's metadata (entry `borde_calibration_stats`,
// versioned JSON) and the drift monitor compares live traffic against. LiteRT and the other official
// interpreters ignore metadata entries they do not know, so the file runs everywhere unchanged.
import { RuntimeError } from '../errors.js';

export const CALIBRATION_STATS_METADATA = 'borde_calibration_stats';
export const CALIBRATION_STATS_VERSION = 1;

/**
 * A distribution of scalar values in bins: bin 0 holds v <= edges[0], bin i holds edges[i-1] < v <= edges[i],
 * the last bin v > edges[edges.length - 1]. `of: 'elements'` bins every element of the tensor, `of: 'max'`
 * the largest element per sample (a class output's confidence).
 */
export interface ValuesFeature {
  kind: 'values';
  of: 'elements' | 'max';
  edges: number[];
  /** Share of values per bin on the calibration data (edges.length + 1 shares, summing to 1). */
  reference: number[];
  /** Calibration quantiles at QUANTILE_LEVELS (min, p1, p5, p25, p50, p75, p95, p99, max). */
  quantiles: number[];
}

/**
 * Where an image's mass lies: the image (minus `offset`, the calibration minimum) cut into a rows x cols grid,
 * each region's share of the total. Pixel histograms miss a rotation or a flip; this sees it.
 */
export interface RegionsFeature {
  kind: 'regions';
  grid: [number, number];
  offset: number;
  /** Mean share per region (row-major) on the calibration data. */
  reference: number[];
}

/** A class-score output: the share of samples whose top class is each class. */
export interface ClassesFeature {
  kind: 'classes';
  reference: number[];
}

export type StatsFeature = ValuesFeature | RegionsFeature | ClassesFeature;

export interface TensorStats {
  name: string;
  shape: number[];
  features: StatsFeature[];
}

export interface CalibrationStats {
  format: typeof CALIBRATION_STATS_METADATA;
  version: typeof CALIBRATION_STATS_VERSION;
  /** Number of calibration samples the statistics were computed on. */
  samples: number;
  inputs: TensorStats[];
  outputs: TensorStats[];
}

export const QUANTILE_LEVELS = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1] as const;

export function encodeCalibrationStats(stats: CalibrationStats): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(stats));
}

/** Parses and checks the metadata entry; a malformed or newer entry gets a MONITOR error saying so. */
export function decodeCalibrationStats(bytes: Uint8Array): CalibrationStats {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new RuntimeError('MONITOR', `the model's ${CALIBRATION_STATS_METADATA} metadata is not JSON; re-convert the model`, { cause });
  }
  const stats = value as Partial<CalibrationStats>;
  if (stats?.format !== CALIBRATION_STATS_METADATA || typeof stats.version !== 'number') {
    throw new RuntimeError('MONITOR', `the model's ${CALIBRATION_STATS_METADATA} metadata has no format/version; re-convert the model`);
  }
  if (stats.version > CALIBRATION_STATS_VERSION) {
    throw new RuntimeError('MONITOR', `the model's calibration statistics are version ${stats.version}; this @borde/runtime reads ` +
      `version ${CALIBRATION_STATS_VERSION}: update @borde/runtime`);
  }
  if (!Array.isArray(stats.inputs) || !Array.isArray(stats.outputs)) {
    throw new RuntimeError('MONITOR', `the model's ${CALIBRATION_STATS_METADATA} metadata lists no inputs/outputs; re-convert the model`);
  }
  for (const t of [...stats.inputs, ...stats.outputs]) {
    for (const f of t.features ?? []) {
      const bins = f.kind === 'values' ? f.edges.length + 1 : f.kind === 'regions' ? f.grid[0] * f.grid[1] : f.reference.length;
      if (!Array.isArray(f.reference) || f.reference.length !== bins) {
        throw new RuntimeError('MONITOR', `the model's calibration statistics for "${t.name}" (${f.kind}) are malformed: ` +
          `${bins} bins expected, ${Array.isArray(f.reference) ? f.reference.length : 'none'} found; re-convert the model`);
      }
    }
  }
  return stats as CalibrationStats;
}

/** The statistics stored in a model's metadata entries, or undefined when it has none. */
export function readCalibrationStats(metadata: readonly { name: string; data: Uint8Array }[]): CalibrationStats | undefined {
  const entry = metadata.find((m) => m.name === CALIBRATION_STATS_METADATA);
  return entry ? decodeCalibrationStats(entry.data) : undefined;
}
