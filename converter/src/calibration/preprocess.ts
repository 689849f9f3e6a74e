import { ConverterError } from '../errors.js';

export type PresetName = 'unit' | 'symmetric' | 'imagenet' | 'raw';

/** y = (x * scale - mean[c]) / std[c], with c the index on the last axis (the channel, or the feature). */
export interface Preprocessing {
  scale: number;
  mean: readonly number[];
  std: readonly number[];
  /** In words, for the report: "preset 'unit' (x/255)". */
  description: string;
}

const PRESETS: Record<PresetName, Omit<Preprocessing, 'description'> & { formula: string }> = {
  unit: { scale: 1 / 255, mean: [0], std: [1], formula: 'x/255, in [0, 1]' },
  symmetric: { scale: 1 / 127.5, mean: [1], std: [1], formula: 'x/127.5 - 1, in [-1, 1]' },
  imagenet: {
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    formula: '(x/255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]',
  },
  raw: { scale: 1, mean: [0], std: [1], formula: 'x unchanged' },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

interface PreprocessingOptions {
  preset?: string;
  scale?: number;
  mean?: number | readonly number[];
  std?: number | readonly number[];
}

/**
 * The preprocessing the options ask for, or `fallback` when they ask for none (images: 'unit'; other data:
 * undefined, values taken as they are). A preset and explicit scale/mean/std together are refused.
 */
export function resolvePreprocessing(options: PreprocessingOptions, fallback?: PresetName): Preprocessing | undefined {
  const explicit = options.scale !== undefined || options.mean !== undefined || options.std !== undefined;
  if (options.preset !== undefined) {
    if (explicit) {
      throw new ConverterError('INVALID_OPTIONS', `--preset ${options.preset} and --scale/--mean/--std were both given; ` +
        'pass either a preset or explicit values');
    }
    const preset = PRESETS[options.preset as PresetName];
    if (!preset) {
      throw new ConverterError('INVALID_OPTIONS', `unknown --preset '${options.preset}'; use one of ${PRESET_NAMES.join(', ')}`);
    }
    return { ...preset, description: `preset '${options.preset}' (${preset.formula})` };
  }
  if (explicit) {
    const scale = options.scale ?? 1;
    const mean = toList(options.mean ?? 0, '--mean');
    const std = toList(options.std ?? 1, '--std');
    if (!Number.isFinite(scale) || scale === 0) throw new ConverterError('INVALID_OPTIONS', `--scale ${scale} must be a finite non-zero number`);
    if (std.some((s) => s === 0)) throw new ConverterError('INVALID_OPTIONS', `--std ${std.join(',')} contains 0; every std must be non-zero`);
    return { scale, mean, std, description: `(x * ${formatNumber(scale)} - ${formatList(mean)}) / ${formatList(std)}` };
  }
  if (!fallback) return undefined;
  const preset = PRESETS[fallback];
  return { ...preset, description: `preset '${fallback}' (${preset.formula}; the default, as no --preset/--scale/--mean/--std was given)` };
}

/** Applies `p` in place to row-major data whose last axis has `channels` entries. */
export function applyPreprocessing(data: Float32Array, channels: number, p: Preprocessing, what: string): void {
  for (const [name, list] of [['mean', p.mean], ['std', p.std]] as const) {
    if (list.length !== 1 && list.length !== channels) {
      throw new ConverterError('INVALID_OPTIONS', `${name} has ${list.length} values but ${what} has ${channels} channel(s) on its last axis; ` +
        `give one value or ${channels}`);
    }
  }
  for (let i = 0; i < data.length; i++) {
    const c = i % channels;
    const mean = p.mean.length === 1 ? p.mean[0]! : p.mean[c]!;
    const std = p.std.length === 1 ? p.std[0]! : p.std[c]!;
    data[i] = (data[i]! * p.scale - mean) / std;
  }
}

function toList(value: number | readonly number[], flag: string): number[] {
  const list = typeof value === 'number' ? [value] : [...value];
  if (list.length === 0 || list.some((v) => !Number.isFinite(v))) {
    throw new ConverterError('INVALID_OPTIONS', `${flag} ${list.join(',')} must be one finite number or one per channel`);
  }
  return list;
}

const formatNumber = (v: number): string => (Number.isInteger(1 / v) && Math.abs(v) < 1 ? `1/${1 / v}` : String(v));
const formatList = (l: readonly number[]): string => (l.length === 1 ? String(l[0]) : `[${l.join(', ')}]`);
