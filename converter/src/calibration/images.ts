import { extname } from 'pathe';
import { files } from '../io/files.js';
import jpeg from 'jpeg-js';
import { ConverterError } from '../errors.js';
import type { TensorValue } from '../verify/tensor-value.js';
import { castToInput, isFloatInput } from './dtypes.js';
import { decodePngRgba } from './png.js';
import { applyPreprocessing, type Preprocessing } from './preprocess.js';
import { assertFinite, batchOne, formatShape } from './shapes.js';
import type { ModelInputSpec } from './types.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
export const isImageFile = (name: string): boolean => !name.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());

/** Where decoded pixels go: NHWC with 1 (grey), 3 (RGB) or 4 (RGBA) channels, or [1, H, W] grey. */
export interface ImageLayout {
  height: number;
  width: number;
  channels: 1 | 3 | 4;
  shape: number[];
}

/** The image layout of `input`; its dynamic height/width come from `inputSize`. */
export function imageLayout(input: ModelInputSpec, inputSize?: number | readonly [number, number]): ImageLayout {
  const shape = batchOne(input);
  const channels = shape.length === 4 ? shape[3]! : shape.length === 3 ? 1 : -1;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new ConverterError('CALIBRATION', `model input '${input.name}' of shape ${formatShape(input.shape)} is not an image input ` +
      '([1, height, width, 1|3|4] NHWC, or [1, height, width]); give its samples as CSV, JSON, .npy or a JS module instead of a folder of images');
  }
  const size = inputSize === undefined ? undefined : typeof inputSize === 'number' ? [inputSize, inputSize] : inputSize;
  if (size && !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ConverterError('INVALID_OPTIONS', `--input-size ${size.join('x')} must be positive whole numbers (height x width)`);
  }
  const pick = (k: 1 | 2): number => {
    const declared = shape[k]!;
    const asked = size?.[k - 1];
    if (declared > 0) {
      if (asked !== undefined && asked !== declared) {
        throw new ConverterError('INVALID_OPTIONS', `--input-size ${size!.join('x')} differs from model input '${input.name}' ` +
          `of shape ${formatShape(input.shape)}; drop --input-size (images are resized to the model's size)`);
      }
      return declared;
    }
    if (asked === undefined) {
      throw new ConverterError('INVALID_OPTIONS', `model input '${input.name}' has a dynamic size ${formatShape(input.shape)}; ` +
        'pass --input-size <height>x<width> for the calibration images');
    }
    return asked;
  };
  const height = pick(1);
  const width = pick(2);
  return { height, width, channels, shape: shape.length === 4 ? [1, height, width, channels] : [1, height, width] };
}

/** Decodes a PNG (any bit depth, palette, grey, alpha, as 8-bit RGBA) or a baseline/progressive JPEG, in pure JavaScript. */
export async function decodeImage(file: string): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const bytes = await files().readFile(file);
  try {
    if (extname(file).toLowerCase() === '.png') {
      return decodePngRgba(bytes);
    }
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: image.width, height: image.height, rgba: image.data };
  } catch (error) {
    throw new ConverterError('CALIBRATION', `image ${file} could not be decoded (${(error as Error).message}); ` +
      're-save it as PNG or JPEG, or remove it from the folder', { cause: error });
  }
}

/**
 * The model-ready tensor of one image: channels converted (RGB -> grey by luminance 0.299/0.587/0.114,
 * alpha dropped, grey replicated), resized bilinearly to the layout (rounded for an integer input), then
 * preprocessed, as the input's dtype.
 */
export async function imageTensor(file: string, input: ModelInputSpec, layout: ImageLayout, preprocessing: Preprocessing): Promise<TensorValue> {
  const image = await decodeImage(file);
  const pixels = convertChannels(image.rgba, image.width * image.height, layout.channels);
  const data = resizeBilinear(pixels, image.height, image.width, layout.channels, layout.height, layout.width);
  // An integer input (MoveNet's int32 image) takes the resized pixels rounded; preprocessing that then makes
  // fractions (--preset unit) is refused by castToInput rather than truncated.
  if (!isFloatInput(input)) data.set(data.map(Math.round));
  applyPreprocessing(data, layout.channels, preprocessing, `model input '${input.name}'`);
  assertFinite(`image ${file}`, input, data);
  return { dtype: input.dtype, shape: layout.shape, data: castToInput(`image ${file}`, input, data), name: input.name };
}

/** RGBA bytes to float pixels with `channels` channels. */
export function convertChannels(rgba: Uint8Array, pixelCount: number, channels: 1 | 3 | 4): Float32Array {
  const out = new Float32Array(pixelCount * channels);
  for (let p = 0; p < pixelCount; p++) {
    const r = rgba[4 * p]!;
    const g = rgba[4 * p + 1]!;
    const b = rgba[4 * p + 2]!;
    if (channels === 1) {
      // A grey image has r = g = b, and the weights sum to 1, so its values come through unchanged.
      out[p] = r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
    } else {
      out[channels * p] = r;
      out[channels * p + 1] = g;
      out[channels * p + 2] = b;
      if (channels === 4) out[4 * p + 3] = rgba[4 * p + 3]!;
    }
  }
  return out;
}

/**
 * Bilinear resize of HWC data with half-pixel centres (what tf.image.resize, OpenCV INTER_LINEAR and PIL's
 * bilinear without antialiasing do); the same size is a copy.
 */
export function resizeBilinear(src: Float32Array, inH: number, inW: number, channels: number, outH: number, outW: number): Float32Array {
  if (inH === outH && inW === outW) return src;
  const out = new Float32Array(outH * outW * channels);
  const sy = inH / outH;
  const sx = inW / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), inH - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, inH - 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), inW - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, inW - 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const top = src[(y0 * inW + x0) * channels + c]! * (1 - wx) + src[(y0 * inW + x1) * channels + c]! * wx;
        const bottom = src[(y1 * inW + x0) * channels + c]! * (1 - wx) + src[(y1 * inW + x1) * channels + c]! * wx;
        out[(y * outW + x) * channels + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}
