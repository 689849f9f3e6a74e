import { ConverterError } from '../errors.js';

export interface RawLabel {
  /** Names the sample in messages. */
  where: string;
  /** As found: a number, a text (class name), or undefined when the sample has none. */
  value: unknown;
}

/**
 * Class indices for every sample. With `labelMap`, each raw value (as text) is looked up. Otherwise numbers
 * are taken as class indices (whole, >= 0), and texts become indices of their sorted distinct names
 * (returned as `classNames`), so 'cat'/'dog' give 0/1 the same way on every run.
 */
export function resolveLabels(path: string, raw: readonly RawLabel[], labelMap?: Readonly<Record<string, number>>): {
  labels: number[];
  classNames?: string[];
  /** Set when numeric labels do not start at 0 (e.g. 2/4): likely they need a label map. */
  warning?: string;
} {
  const missing = raw.find((r) => r.value === undefined || r.value === null || r.value === '');
  if (missing) {
    throw new ConverterError('CALIBRATION', `${missing.where} has no label; evaluation data needs a label for every sample ` +
      '(a label column, { inputs, label } items, class folders, or a labels .npy next to the data)');
  }
  if (labelMap) {
    return {
      labels: raw.map((r) => {
        const index = labelMap[String(r.value)];
        if (index === undefined) {
          throw new ConverterError('INVALID_OPTIONS', `${r.where}: label '${String(r.value)}' is not in the label map ` +
            `(${Object.keys(labelMap).join(', ')}); add it to --label-map`);
        }
        return index;
      }),
    };
  }
  if (raw.every((r) => typeof r.value === 'number')) {
    const bad = raw.find((r) => !Number.isInteger(r.value) || (r.value as number) < 0);
    if (bad) {
      throw new ConverterError('CALIBRATION', `${bad.where}: label ${String(bad.value)} is not a class index (a whole number >= 0); ` +
        'map the labels with --label-map (e.g. 2=0,4=1)');
    }
    const labels = raw.map((r) => r.value as number);
    const min = Math.min(...new Set(labels));
    return min === 0 ? { labels } : {
      labels,
      warning: `the labels of ${path} start at ${min}, not 0; they are used as class indices as they are. ` +
        'If the classes are numbered otherwise, map them with --label-map (e.g. 2=0,4=1)',
    };
  }
  const names = [...new Set(raw.map((r) => String(r.value)))].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  return { labels: raw.map((r) => index.get(String(r.value))!), classNames: names };
}

/** "2 (458), 4 (241)": the distinct raw labels with their counts, for the info notes. */
export function labelCounts(raw: readonly RawLabel[]): string {
  const counts = new Map<string, number>();
  for (const r of raw) counts.set(String(r.value), (counts.get(String(r.value)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${k} (${n})`).join(', ');
}
