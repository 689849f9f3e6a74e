import { ConverterError } from '../errors.js';
import { createRng } from '../verify/seeded-inputs.js';

export const DEFAULT_CALIBRATION_LIMIT = 500;

/** Checks `limit` (a positive integer, or Infinity for all). */
export function checkLimit(limit: number): number {
  if (limit !== Infinity && !(Number.isInteger(limit) && limit > 0)) {
    throw new ConverterError('INVALID_OPTIONS', `--samples ${limit} (the sample limit) must be a positive whole number`);
  }
  return limit;
}

/**
 * The indices of the samples to use, out of `count`: all of them in order, or a deterministic shuffle when a
 * seed is given, then the first `limit`.
 */
export function selectIndices(count: number, limit: number, shuffleSeed?: number): number[] {
  const indices = Array.from({ length: count }, (_, i) => i);
  if (shuffleSeed !== undefined) {
    if (!Number.isFinite(shuffleSeed)) throw new ConverterError('INVALID_OPTIONS', `--shuffle-seed ${shuffleSeed} must be a number`);
    const random = createRng(shuffleSeed);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [indices[i], indices[j]] = [indices[j]!, indices[i]!];
    }
  }
  return indices.length > limit ? indices.slice(0, limit) : indices;
}
