import type { DType } from '@borde/tflite';
import type { InputArray } from '../../src/index.js';

/** The typed array the executor takes for a model input of `dtype`. */
export function typedFor(dtype: DType | undefined, data: number[]): InputArray {
  switch (dtype ?? 'float32') {
    case 'int32': return Int32Array.from(data);
    case 'int8': return Int8Array.from(data);
    case 'uint8': case 'bool': return Uint8Array.from(data);
    case 'int16': return Int16Array.from(data);
    default: return Float32Array.from(data);
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(Number(a[i]) - Number(b[i])));
  return m;
}
