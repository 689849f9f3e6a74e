import type { Tensor } from '@borde/tflite';

/** Observed (or chosen) real-value range of a tensor. */
export interface Range {
  min: number;
  max: number;
}

/** A float32 constant's values (copied out, so alignment never matters) and their range. */
export function floatConstant(tensor: Tensor): { values: Float32Array; range: [number, number] } {
  const data = tensor.data!;
  const values = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { values, range: values.length ? [min, max] : [0, 0] };
}
