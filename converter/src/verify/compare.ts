// Comparing interpreter outputs: error figures for float outputs, exact equality for everything, and
// assertions whose messages say which output, where, and by how much.

import { tensorBytes, type TensorValue } from '@borde/runtime/litert';

export interface TensorComparison {
  readonly name: string;
  readonly elements: number;
  /** max |actual - expected| (Infinity if a NaN/Inf appears in only one of them). */
  readonly maxAbsError: number;
  /** maxAbsError / (max(expected) - min(expected)); the range falls back to max|expected|, then 1. */
  readonly maxRelError: number;
  /** The expected output's range that maxRelError is relative to. */
  readonly range: number;
  /** Elements whose values differ at all (bitwise for floats, so -0 vs 0 and NaN payloads count). */
  readonly mismatches: number;
  /** Index of the element with the largest error, -1 if none differ. */
  readonly worstIndex: number;
  /** True when dtype, shape and every byte agree. */
  readonly identical: boolean;
}

function toNumber(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Error figures of `actual` against `expected`; throws if dtype or shape differ. */
export function compareTensors(actual: TensorValue, expected: TensorValue, name = expected.name ?? 'output'): TensorComparison {
  if (actual.dtype !== expected.dtype) {
    throw new TypeError(`${name}: dtype ${actual.dtype} differs from the expected ${expected.dtype}`);
  }
  if (actual.shape.join() !== expected.shape.join() || actual.data.length !== expected.data.length) {
    throw new RangeError(`${name}: shape [${actual.shape.join(', ')}] differs from the expected [${expected.shape.join(', ')}]`);
  }
  const a = actual.data;
  const e = expected.data;
  let lo = Infinity;
  let hi = -Infinity;
  let maxAbsError = 0;
  let worstIndex = -1;
  let mismatches = 0;
  const bytesPer = a.BYTES_PER_ELEMENT;
  const aBytes = tensorBytes(a);
  const eBytes = tensorBytes(e);
  for (let i = 0; i < e.length; i++) {
    const x = toNumber(a[i]!);
    const y = toNumber(e[i]!);
    if (Number.isFinite(y)) {
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
    let differs = false;
    for (let b = i * bytesPer; b < (i + 1) * bytesPer; b++) {
      if (aBytes[b] !== eBytes[b]) {
        differs = true;
        break;
      }
    }
    if (!differs) continue;
    mismatches++;
    const bothNaN = Number.isNaN(x) && Number.isNaN(y);
    const error = bothNaN ? 0 : x === y ? 0 : Math.abs(x - y);
    const err = Number.isNaN(error) ? Infinity : error;
    if (err > maxAbsError || worstIndex < 0) {
      maxAbsError = Math.max(maxAbsError, err);
      worstIndex = i;
    }
  }
  let range = hi - lo;
  if (!(range > 0)) range = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(range > 0)) range = 1;
  return {
    name,
    elements: e.length,
    maxAbsError,
    maxRelError: maxAbsError / range,
    range,
    mismatches,
    worstIndex,
    identical: mismatches === 0,
  };
}

/** Compares output lists position by position; throws if the counts differ. */
export function compareOutputs(actual: readonly TensorValue[], expected: readonly TensorValue[]): TensorComparison[] {
  if (actual.length !== expected.length) {
    throw new RangeError(`got ${actual.length} outputs, expected ${expected.length}`);
  }
  return expected.map((e, i) => compareTensors(actual[i]!, e, e.name ?? `output ${i}`));
}

function describe(c: TensorComparison, actual: TensorValue, expected: TensorValue): string {
  const at = c.worstIndex;
  return `${c.name}: ${c.mismatches}/${c.elements} elements differ; max abs error ${c.maxAbsError} ` +
    `(rel ${c.maxRelError.toExponential(3)} of range ${c.range}) at [${at}]: got ${String(actual.data[at])}, ` +
    `expected ${String(expected.data[at])}`;
}

/** Throws unless every output is byte-for-byte identical (dtype, shape and data). */
export function assertIdenticalOutputs(actual: readonly TensorValue[], expected: readonly TensorValue[]): void {
  const results = compareOutputs(actual, expected);
  const bad = results.map((c, i) => (c.identical ? '' : describe(c, actual[i]!, expected[i]!))).filter(Boolean);
  if (bad.length) throw new Error(`outputs are not identical:\n${bad.join('\n')}`);
}

export interface Tolerance {
  /** Largest allowed max abs error. */
  readonly atol?: number;
  /** Largest allowed error relative to the expected output's range. */
  readonly rtol?: number;
}

/**
 * Throws unless each output is within tolerance: an output passes if its error is within `atol` OR
 * within `rtol` of its range. Integer outputs must match exactly unless a tolerance is given explicitly.
 * Returns the figures so tests can report them.
 */
export function assertOutputsClose(
  actual: readonly TensorValue[],
  expected: readonly TensorValue[],
  tolerance: Tolerance,
): TensorComparison[] {
  const results = compareOutputs(actual, expected);
  const atol = tolerance.atol ?? 0;
  const rtol = tolerance.rtol ?? 0;
  const bad = results
    .map((c, i) => {
      const ok = c.maxAbsError <= atol || c.maxRelError <= rtol;
      return ok ? '' : `${describe(c, actual[i]!, expected[i]!)} (allowed atol ${atol}, rtol ${rtol})`;
    })
    .filter(Boolean);
  if (bad.length) throw new Error(`outputs differ beyond tolerance:\n${bad.join('\n')}`);
  return results;
}

/** Throws unless every value is finite (no NaN or Infinity) in float outputs. */
export function assertFinite(outputs: readonly TensorValue[]): void {
  for (const [i, t] of outputs.entries()) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') continue;
    const data = t.data as Float32Array | Float64Array;
    const at = data.findIndex((v) => !Number.isFinite(v));
    if (at >= 0) throw new Error(`${t.name ?? `output ${i}`}: element [${at}] is ${data[at]}`);
  }
}

/** One line per output, for test logs and reports. */
export function formatComparisons(results: readonly TensorComparison[]): string {
  return results
    .map((c) => `${c.name}: max abs ${c.maxAbsError.toExponential(3)}, max rel ${c.maxRelError.toExponential(3)} ` +
      `(range ${c.range.toPrecision(4)}), ${c.mismatches}/${c.elements} differ`)
    .join('\n');
}
