/**
 * The model's output in words: what the percentage is a probability of, where it sits between the two
 * answers, and what it is not (a diagnosis). Bands are plain-language readings of the number, not thresholds
 * the model was tuned for.
 */
const BANDS: readonly { below: number; words: string }[] = [
  { below: 0.1, words: 'very unlikely to be malignant' },
  { below: 0.35, words: 'unlikely to be malignant' },
  { below: 0.65, words: 'uncertain: between benign and malignant' },
  { below: 0.9, words: 'likely to be malignant' },
  { below: Infinity, words: 'very likely to be malignant' },
];

/** One sentence for probability `p` (0..1) of malignancy. */
export function explainProbability(p: number): string {
  if (!Number.isFinite(p) || p < 0 || p > 1) throw new RangeError(`probability must be between 0 and 1, got ${p}`);
  const band = BANDS.find((b) => p < b.below)!;
  return (
    `On a scale from 0 % (surely benign) to 100 % (surely malignant), the model puts these values at ` +
    `${(p * 100).toFixed(1)} %: ${band.words}, judged from the tutorial's training samples. ` +
    'A teaching model, not a diagnosis: only a pathologist reading the biopsy can tell.'
  );
}
