import { ImportFault, type OnnxContext } from '../context.js';

/** A 2-D sliding window (conv or pool) over NCHW input, resolved to TFLite's SAME/VALID plus any explicit pad. */
export interface Window2D {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** TFLite padding of the op itself. */
  padding: 'SAME' | 'VALID';
  /** Explicit padding [top, left, bottom, right] to apply with a PAD op before a VALID window; undefined if none. */
  explicit?: [number, number, number, number];
  out: [number, number];
}

function sameBegin(size: number, k: number, s: number, lower: boolean): [number, number] {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const begin = lower ? Math.ceil(total / 2) : Math.floor(total / 2);
  return [begin, total - begin];
}

/**
 * Reads kernel_shape/strides/dilations/pads/auto_pad (and ceil_mode for pools) for a spatial [H, W] input.
 * Pads equal to TensorFlow's SAME become SAME; other pads become an explicit PAD before a VALID window.
 */
export function readWindow(ctx: OnnxContext, spatial: [number, number], kernel: [number, number], options: { ceil?: boolean; explicitPads?: boolean } = {}): Window2D {
  const strides = (ctx.ints('strides') ?? [1, 1]) as [number, number];
  const dilations = (ctx.ints('dilations') ?? [1, 1]) as [number, number];
  if (strides.length !== 2 || dilations.length !== 2) throw new ImportFault('only 2-D windows (NCHW input) are supported');
  const eff = [0, 1].map((i) => (kernel[i]! - 1) * dilations[i]! + 1);
  const autoPad = ctx.string('auto_pad', 'NOTSET');
  let pads: number[];
  if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const [h0, h1] = sameBegin(spatial[0], eff[0]!, strides[0], autoPad === 'SAME_LOWER');
    const [w0, w1] = sameBegin(spatial[1], eff[1]!, strides[1], autoPad === 'SAME_LOWER');
    pads = [h0, w0, h1, w1];
  } else if (autoPad === 'NOTSET') pads = ctx.ints('pads') ?? [0, 0, 0, 0];
  else throw new ImportFault(`auto_pad '${autoPad}'`);
  if (pads.length !== 4) throw new ImportFault('only 2-D windows (NCHW input) are supported');
  // ceil_mode: the last window may start inside the input and run past its end; pad the end to make it whole.
  if (options.ceil) {
    for (const i of [0, 1]) {
      const s = strides[i]!;
      const span = spatial[i]! + pads[i]! + pads[i + 2]! - eff[i]!;
      let ceilOut = Math.ceil(span / s) + 1;
      // PyTorch/ONNX drop a last window that would start in the end padding.
      if ((ceilOut - 1) * s >= spatial[i]! + pads[i]!) ceilOut--;
      if (ceilOut > Math.floor(span / s) + 1) pads[i + 2]! += (ceilOut - 1) * s + eff[i]! - (spatial[i]! + pads[i]! + pads[i + 2]!);
    }
  }
  const out = [0, 1].map((i) => Math.floor((spatial[i]! + pads[i]! + pads[i + 2]! - eff[i]!) / strides[i]!) + 1) as [number, number];
  if (out.some((d) => d <= 0)) throw new ImportFault(`the window is larger than the padded input [${spatial.join(', ')}]`);
  const window = { kernel, strides, dilations, out };
  if (pads.every((p) => p === 0)) return { ...window, padding: 'VALID' };
  // SAME padding leaves the padding out of an average; count_include_pad counts it, so it must be real.
  if (options.explicitPads) return { ...window, padding: 'VALID', explicit: pads as [number, number, number, number] };
  const [sh0, sh1] = sameBegin(spatial[0], eff[0]!, strides[0], false);
  const [sw0, sw1] = sameBegin(spatial[1], eff[1]!, strides[1], false);
  if (pads[0] === sh0 && pads[2] === sh1 && pads[1] === sw0 && pads[3] === sw1) return { ...window, padding: 'SAME' };
  return { ...window, padding: 'VALID', explicit: pads as [number, number, number, number] };
}

export function windowOptions(w: Window2D): Record<string, unknown> {
  return { padding: w.padding === 'SAME' ? 0 : 1, strideH: w.strides[0], strideW: w.strides[1] };
}
