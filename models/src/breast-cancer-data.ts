import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DatasetError } from './errors.js';
import { seededRandom, shuffleInPlace } from './random.js';

/** The committed copy of UCI's Breast Cancer Wisconsin (Original); provenance in models/data/README.md. */
export const BREAST_CANCER_DATA_PATH = fileURLToPath(new URL('../data/breast-cancer-wisconsin.data', import.meta.url));

/** Column names of the nine features, in file (and model input) order. */
export const BREAST_CANCER_FEATURES = [
  'Clump_Thickness',
  'Uniformity_of_Cell_Size',
  'Uniformity_of_Cell_Shape',
  'Marginal_Adhesion',
  'Single_Epithelial_Cell_Size',
  'Bare_Nuclei',
  'Bland_Chromatin',
  'Normal_Nucleoli',
  'Mitoses',
] as const;

/** The seed of the split the shipped model was trained and evaluated on (models/breast-cancer/train.ts). */
export const BREAST_CANCER_SPLIT_SEED = 42;

/** Share of each class held out for testing (the tutorial's 88/12 split). */
export const BREAST_CANCER_TEST_FRACTION = 0.12;

export interface BreastCancerRow {
  /** Sample_code_number; not unique in the file, kept only for tracing. */
  id: number;
  /** The nine raw features, integers 1..10 (the model rescales them itself). */
  features: number[];
  /** 0 benign (Class 2), 1 malignant (Class 4). */
  label: 0 | 1;
}

export interface BreastCancerSplit {
  train: BreastCancerRow[];
  test: BreastCancerRow[];
}

/**
 * Reads every complete row. The 16 rows whose Bare_Nuclei is '?' are dropped (683 remain: 444 benign,
 * 239 malignant), as the classic tutorial does; imputing would invent feature values for 2% of patients.
 */
export function loadBreastCancer(path: string = BREAST_CANCER_DATA_PATH): BreastCancerRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DatasetError(path, `cannot read the breast cancer data (${String(cause)}); it is committed as models/data/breast-cancer-wisconsin.data`);
  }
  const rows: BreastCancerRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const cells = line.split(',').map((cell) => cell.trim());
    if (cells.length !== 11) {
      throw new DatasetError(path, `line ${index + 1} has ${cells.length} columns, expected 11 (UCI layout, no header)`);
    }
    if (cells.includes('?')) return;
    const numbers = cells.map(Number);
    if (numbers.some((value) => !Number.isFinite(value))) {
      throw new DatasetError(path, `line ${index + 1} has a non-numeric value: ${line}`);
    }
    const cls = numbers[10];
    if (cls !== 2 && cls !== 4) {
      throw new DatasetError(path, `line ${index + 1} has Class ${cls}, expected 2 (benign) or 4 (malignant)`);
    }
    rows.push({ id: numbers[0]!, features: numbers.slice(1, 10), label: cls === 4 ? 1 : 0 });
  });
  return rows;
}

/**
 * Deterministic stratified split: within each class, rows are shuffled with `seed` and the first
 * round(12%) go to test (53 benign + 29 malignant = 82 test rows, 601 train). Row order inside each
 * part follows the file, so the split does not depend on anything but the seed.
 */
export function breastCancerSplit(seed: number, rows: BreastCancerRow[] = loadBreastCancer()): BreastCancerSplit {
  const random = seededRandom(seed);
  const testIndices = new Set<number>();
  for (const label of [0, 1] as const) {
    const indices = rows.flatMap((row, index) => (row.label === label ? [index] : []));
    shuffleInPlace(indices, random);
    const testCount = Math.round(indices.length * BREAST_CANCER_TEST_FRACTION);
    for (const index of indices.slice(0, testCount)) testIndices.add(index);
  }
  return {
    train: rows.filter((_, index) => !testIndices.has(index)),
    test: rows.filter((_, index) => testIndices.has(index)),
  };
}

/** Rows as a row-major [count, 9] float matrix and a label vector, ready for tf.tensor2d or calibration. */
export function breastCancerMatrix(rows: BreastCancerRow[]): { features: Float32Array; labels: Uint8Array; count: number } {
  const width = BREAST_CANCER_FEATURES.length;
  const features = new Float32Array(rows.length * width);
  const labels = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    features.set(row.features, i * width);
    labels[i] = row.label;
  });
  return { features, labels, count: rows.length };
}
