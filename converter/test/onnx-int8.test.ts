import { createRng } from '@borde/converter/verify';
import { describe, expect, it } from 'vitest';
import { convert } from '../src/convert.js';
import type { TensorValue } from '../src/verify/tensor-value.js';

// Full-integer int8 of the exported MobileNet-style network (depthwise convs, hardswish, squeeze-excite,
// nearest upsample, softmax): the int8 budget for classifiers is top-1 agreement with the float model on at
// least 99% of samples. Calibration data is in the written model's layout, NHWC [1, 32, 32, 3].

function images(count: number, seed: number): TensorValue[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const [a, b, c] = [rng() * 0.4, rng() * 0.4, rng() * 6];
    const data = new Float32Array(32 * 32 * 3);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let ch = 0; ch < 3; ch++) {
      data[(y * 32 + x) * 3 + ch] = Math.sin(a * x + b * y + c + 2 * ch) + (rng() - 0.5) * 0.3;
    }
    return [{ name: 'image', dtype: 'float32', shape: [1, 32, 32, 3], data }];
  });
}

describe('ONNX to full-integer int8', () => {
  it('keeps the MobileNet-style classifier within the int8 top-1 agreement budget', async () => {
    const path = new URL('./fixtures/onnx/mobilenetish-opset18.onnx', import.meta.url).pathname;
    const { report } = await convert(path, { quantize: 'int8', calibration: images(64, 11), evalData: { samples: images(100, 12) } });
    expect(report.verify?.passed).toBe(true);
    expect(report.quantization?.floatOps).toEqual([]);
    expect(report.agreement).toBeGreaterThanOrEqual(0.99);
  }, 120_000);
});
