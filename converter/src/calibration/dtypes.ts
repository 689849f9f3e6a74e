import { ConverterError } from '../errors.js';
import type { TensorValue } from '../verify/tensor-value.js';
import type { ModelInputSpec } from './types.js';

const INT_RANGES: Partial<Record<ModelInputSpec['dtype'], [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], bool: [0, 1],
};

export const isFloatInput = (input: ModelInputSpec): boolean => input.dtype === 'float32' || input.dtype === 'float64';

/**
 * Float sample values as `input`'s dtype: a non-float input (MoveNet's int32 image) is fed as it is, since
 * the quantizer keeps it. `round` (decoded images) rounds and clamps to the dtype; otherwise (CSV, JSON,
 * .npy, modules) a value the dtype cannot hold exactly is refused, naming the sample, element, input and dtype.
 */
export function castToInput(where: string, input: ModelInputSpec, data: ArrayLike<number>, round = false): TensorValue['data'] {
  const { dtype } = input;
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'float64') return Float64Array.from(data);
  const [lo, hi] = INT_RANGES[dtype]!;
  const values = new Array<number>(data.length);
  for (let k = 0; k < data.length; k++) {
    const v = round ? Math.min(hi, Math.max(lo, Math.round(data[k]!))) : data[k]!;
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new ConverterError('CALIBRATION', `${where}: element ${k} is ${v}, but model input '${input.name}' is ${dtype} ` +
        `(whole numbers ${lo}..${hi}); give ${dtype} values for it, without a --preset/--scale/--mean/--std that makes fractions`);
    }
    values[k] = v;
  }
  switch (dtype) {
    case 'int8': return Int8Array.from(values);
    case 'uint8': case 'bool': return Uint8Array.from(values);
    case 'int16': return Int16Array.from(values);
    case 'int32': return Int32Array.from(values);
    case 'int64': return BigInt64Array.from(values, (v) => BigInt(v));
  }
}
