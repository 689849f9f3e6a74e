import type { TensorValue } from '../verify/tensor-value.js';
import type { Preprocessing } from './preprocess.js';
import type { ModelInputSpec, SampleForm, SampleOptions } from './types.js';

/** One sample of a source, read only when selected (decoding 500 of 60,000 images, not all). */
export interface Entry {
  /** Names the sample in messages: "images/cat/003.png", "data.csv line 12", "x.npy sample 4". */
  where: string;
  /** The raw label for evaluation (number or text), when the source has one. */
  label?: unknown;
  read: () => TensorValue[] | Promise<TensorValue[]>;
}

/** What a form's loader found: every sample it can give, and what the user should know. */
export interface Entries {
  form: SampleForm;
  entries: Entry[];
  notes: string[];
  /** The preprocessing applied, in words (absent when values are taken as they are). */
  preprocessing?: Preprocessing | undefined;
}

export interface LoadContext {
  path: string;
  inputs: readonly ModelInputSpec[];
  options: SampleOptions;
  /** Evaluation: labels are required and read. */
  labelled: boolean;
}
