import type { TensorDType, TensorValue } from '../verify/tensor-value.js';
import type { PresetName } from './preprocess.js';

/**
 * One model input as the loaders see it. `shape` starts with the batch dimension (1, or -1 when dynamic);
 * other dimensions may be -1 (dynamic): images then take `inputSize`, other data takes the sample's shape.
 */
export interface ModelInputSpec {
  name: string;
  /** Samples are given as this dtype (a non-float input, e.g. an int32 image, stays as it is when quantized). */
  dtype: TensorDType;
  shape: number[];
}

/** Which kind of file or folder the samples come from (detected from the path). */
export type SampleForm = 'images' | 'csv' | 'json' | 'npy' | 'module';

export interface SampleOptions {
  /** At most this many samples (default 500 for calibration, all for evaluation). */
  limit?: number;
  /** Shuffle deterministically with this seed before applying `limit`. */
  shuffleSeed?: number;
  /** Images only: [height, width] (or one number for both) when the model input's H/W are dynamic. */
  inputSize?: number | readonly [number, number];
  /** x * scale (then - mean, / std). Images default to the 'unit' preset when none of these is given. */
  scale?: number;
  /** Subtracted after `scale`: one number, or one per channel (the last axis). */
  mean?: number | readonly number[];
  /** Divided by after `mean`: one number, or one per channel (the last axis). */
  std?: number | readonly number[];
  /** A named preprocessing instead of scale/mean/std: 'unit', 'symmetric', 'imagenet' or 'raw'. */
  preset?: PresetName;
  /** CSV: the label column (header name or 0-based index), never a feature. */
  labelColumn?: string | number;
  /** CSV: the feature columns, in order (header names, or 0-based indices for files without header). */
  columns?: ReadonlyArray<string | number>;
  /** CSV: drop rows with missing values ('?', '', 'NA', ...) instead of failing. */
  dropMissing?: boolean;
  /** Evaluation: maps raw label values (as written in the file) to class indices, e.g. { '2': 0, '4': 1 }. */
  labelMap?: Readonly<Record<string, number>>;
}

/** What was loaded, for the CLI's progress output and the report. */
export interface SampleSetInfo {
  form: SampleForm;
  path: string;
  /** Samples the source holds (for modules: items read). */
  available: number;
  /** Samples returned (after `limit`). */
  used: number;
  /** The preprocessing applied, in words; absent when values were taken as they are. */
  preprocessing?: string;
  /** Things a user should know: defaults taken, rows dropped, columns or files ignored. */
  notes: string[];
}

export interface SampleSet {
  /** One list of input tensors per sample, in the model's input order, each with batch 1. */
  samples: TensorValue[][];
  info: SampleSetInfo;
}

export interface LabelledData extends SampleSet {
  /** Class index of each sample. */
  labels: number[];
  /** Class names in index order, when labels were names (class folders, text labels). */
  classNames?: string[];
}
