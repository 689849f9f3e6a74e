import type * as tf from '@tensorflow/tfjs';
import { ImportFault } from './context.js';
import type { ConstTensor } from './types.js';

/**
 * A tensor computed by a tfjs kernel at import time, as a constant of the Graph. The data is copied into the
 * array type of the tensor's dtype: tfjs' cpu Cast from int32 to float32 relabels the tensor and keeps its
 * Int32Array, which written as float32 bytes becomes garbage (NaN, all-false masks).
 */
export function foldedConstant(t: tf.Tensor, name: string): ConstTensor {
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') throw new ImportFault(`folds to a ${t.dtype} tensor`);
  const raw = t.dataSync() as Float32Array | Int32Array | Uint8Array;
  const data = t.dtype === 'float32' ? Float32Array.from(raw) : t.dtype === 'int32' ? Int32Array.from(raw) : Uint8Array.from(raw);
  return { name, dtype: t.dtype, shape: t.shape.slice(), data };
}
