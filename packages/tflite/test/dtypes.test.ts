import { describe, expect, it } from 'vitest';
import { dtypeByteLength, dtypeFromTensorType, tensorTypeFromDType } from '@borde/tflite';

describe('dtypes', () => {
  it('maps TFLite tensor types both ways', () => {
    expect(dtypeFromTensorType(9)).toBe('int8');
    expect(tensorTypeFromDType('float16')).toBe(1);
    expect(dtypeFromTensorType(999)).toBeUndefined();
  });
  it('sizes packed sub-byte types', () => {
    expect(dtypeByteLength('int4', 3)).toBe(2);
    expect(dtypeByteLength('float32', 6)).toBe(24);
    expect(dtypeByteLength('string', 6)).toBeUndefined();
  });
});
