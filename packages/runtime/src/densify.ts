import { densifyBytes, TfliteError } from '@borde/tflite';
import { ModelError } from './errors.js';

/**
 * Expands sparse `values` (stored in traversal order) into a dense row-major Float32Array of `denseShape`,
 * with @borde/tflite's implementation of TFLite's FormatConverter walk.
 */
export function densify(values: ArrayLike<number>, denseShape: readonly number[], sparsity: unknown, where: string): Float32Array {
  const stored = Float32Array.from(values);
  try {
    const dense = densifyBytes(new Uint8Array(stored.buffer), 4, denseShape, sparsity, where);
    return new Float32Array(dense.buffer, dense.byteOffset, dense.byteLength / 4);
  } catch (error) {
    throw error instanceof TfliteError ? new ModelError(error.message, { cause: error }) : error;
  }
}
