import { dequantize as dequantizeValues } from './host-tensor.js';
import type { ModelOutput } from './model.js';

/**
 * The real values of a `model.run()` output, so no app writes the formula: quantized outputs (int8, uint8,
 * int16) are mapped with their scale and zero point, per tensor or per channel
 * (real = (q - zeroPoint) * scale); float outputs come back as they are (Float32Array), other types
 * converted to float.
 * ```ts
 * const [scores] = await model.run(pixels);
 * const probabilities = dequantize(scores);
 * ```
 */
export function dequantize(output: Pick<ModelOutput, 'data' | 'shape' | 'quantization'>): Float32Array {
  const { data, quantization } = output;
  const values = data instanceof BigInt64Array ? Array.from(data, Number) : (data as ArrayLike<number>);
  if (quantization && quantization.scale.length > 0 && !(data instanceof Float32Array)) return dequantizeValues(values, output.shape, quantization);
  return values instanceof Float32Array ? values : Float32Array.from(values);
}
