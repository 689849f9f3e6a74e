import { AssetError } from '@borde/runtime';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../src/screen.js';

describe('describeFailure: errors in words, per activity', () => {
  it('a file that is not an image is said so, without the DOMException name or number', () => {
    const error = new DOMException('The source image could not be decoded.', 'InvalidStateError');
    const { text, detail, code } = describeFailure(error, 'reading the image file');
    expect(text).toMatch(/could not be read as an image/);
    expect(text).not.toMatch(/InvalidStateError|\(\d+\)/);
    expect(detail).toBe('InvalidStateError: The source image could not be decoded.');
    expect(code).toBe('InvalidStateError');
  });

  it('camera errors name the problem and what to do', () => {
    expect(describeFailure(new DOMException('Permission denied', 'NotAllowedError'), 'starting the camera').text)
      .toMatch(/^Camera: the camera was not allowed\. Allow it .* or choose an image file instead\.$/);
    expect(describeFailure(new DOMException('Device in use', 'NotReadableError'), 'starting the camera').text)
      .toMatch(/in use by another app/);
  });

  it("Borde's errors keep their own message, which names the fix, and their stable code", () => {
    const error = new AssetError(
      [{ url: 'https://kiosk.example/borde-assets/tfjs-tflite/tflite_web_api_cc_simd.wasm', status: 404, detail: 'HTTP 404', from: '@tensorflow/tfjs-tflite/wasm/' }],
      'https://kiosk.example/borde-assets/', [], true,
    );
    const { text, code } = describeFailure(error, 'loading the face detector');
    expect(code).toBe('ASSET');
    expect(text).toMatch(/^Problem while loading the face detector: cannot fetch the engine file\(s\).*tflite_web_api_cc_simd\.wasm/s);
  });
});
