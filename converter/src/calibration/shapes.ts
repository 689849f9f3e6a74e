import { ConverterError } from '../errors.js';
import type { TensorValue } from '../verify/tensor-value.js';
import { castToInput } from './dtypes.js';
import { applyPreprocessing, type Preprocessing } from './preprocess.js';
import type { ModelInputSpec } from './types.js';

export const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
export const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const squeeze = (shape: readonly number[]): number[] => shape.filter((d) => d !== 1);
const isDynamic = (d: number): boolean => d < 0;

/** The input's shape with a dynamic batch set to 1; other dynamic dims stay -1. */
export function batchOne(input: ModelInputSpec): number[] {
  return input.shape.map((d, k) => (k === 0 && isDynamic(d) ? 1 : d));
}

/**
 * The shape a sample's values take for `input`. With `dataShape` (npy, {data, shape} items) the data's own
 * shape must match the input's, with or without the batch dimension, or after dropping size-1 axes
 * (e.g. [28, 28] for [1, 28, 28, 1]); dynamic dims take the data's sizes. Flat values must have the input's
 * element count, or fill exactly one dynamic dim. Errors name the sample and both shapes.
 */
export function fitShape(where: string, input: ModelInputSpec, count: number, dataShape?: readonly number[]): number[] {
  const want = batchOne(input);
  const dynamic = want.some(isDynamic);
  const mismatch = (got: string) =>
    new ConverterError('CALIBRATION', `${where}: ${got} does not match model input '${input.name}' of shape ${formatShape(input.shape)}` +
      (dynamic ? '' : ` (${product(want)} values)`) + '; reshape the data to the input shape');
  if (dataShape) {
    const candidates = dataShape.length === want.length ? [dataShape] : dataShape.length === want.length - 1 ? [[1, ...dataShape]] : [];
    for (const c of candidates) {
      if (c.every((d, k) => d === want[k] || isDynamic(want[k]!))) return [...c];
    }
    if (!dynamic && squeeze(dataShape).join() === squeeze(want).join()) return want;
    // Tabular inputs ([1, n] or [n]) take any shape with n values: the features are a flat row anyway.
    if (!dynamic && want.length <= 2 && count === product(want)) return want;
    throw mismatch(`shape ${formatShape(dataShape)}`);
  }
  if (!dynamic) {
    if (count !== product(want)) throw mismatch(`${count} value(s) (shape [${count}])`);
    return want;
  }
  const unknown = want.filter(isDynamic).length;
  const known = product(want.filter((d) => !isDynamic(d)));
  if (unknown === 1 && known > 0 && count % known === 0 && count > 0) return want.map((d) => (isDynamic(d) ? count / known : d));
  throw new ConverterError('CALIBRATION', `${where}: model input '${input.name}' has shape ${formatShape(input.shape)} with ` +
    `${unknown} dynamic dimension(s); flat values (${count}) cannot say their shape. Give samples with a shape ` +
    '({ data, shape } items in a JS module, or a .npy file), or pass --input-size for images');
}

/**
 * A tensor of `input`'s dtype from a sample's values (always a copy, so the caller's arrays are never
 * changed), preprocessed when asked, after checking every value is finite (errors name the sample and element).
 * Values for a non-float input must be whole numbers its dtype holds (castToInput refuses others).
 */
export function makeTensor(where: string, input: ModelInputSpec, values: ArrayLike<number>, options: {
  dataShape?: readonly number[] | undefined;
  preprocessing?: Preprocessing | undefined;
} = {}): TensorValue {
  const shape = fitShape(where, input, values.length, options.dataShape);
  assertFinite(where, input, values);
  const data = Float32Array.from(values);
  // Integer values go straight to their dtype (no float32 rounding above 2^24).
  if (!options.preprocessing) return { dtype: input.dtype, shape, data: castToInput(where, input, input.dtype === 'float32' ? data : values), name: input.name };
  applyPreprocessing(data, shape[shape.length - 1] ?? 1, options.preprocessing, `model input '${input.name}'`);
  return { dtype: input.dtype, shape, data: castToInput(where, input, data), name: input.name };
}

export function assertFinite(where: string, input: ModelInputSpec, data: ArrayLike<number>): void {
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k]!)) {
      throw new ConverterError('CALIBRATION', `${where}, input '${input.name}': element ${k} is ${data[k]}; ` +
        'samples must be finite numbers (fix or drop this sample)');
    }
  }
}
