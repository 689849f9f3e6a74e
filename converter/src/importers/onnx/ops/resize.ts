import { ImportFault, NHWC, type OnnxContext } from '../context.js';
import type { OnnxOpDef, OnnxOpTable } from './table.js';

/**
 * Resize (opset 11+: X, roi, scales, sizes; opset 10: X, scales) and Upsample on NCHW spatial axes, mapped to
 * RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR. Each coordinate_transformation_mode and nearest_mode either
 * has a TFLite equivalent (align_corners / half_pixel_centers) or is refused by name.
 */
function resize(ctx: OnnxContext, upsample: boolean) {
  const x = ctx.tensorInput(0);
  if (x.shape.length !== 4) throw new ImportFault(`only 4-D NCHW input is supported (rank ${x.shape.length})`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const scalesIndex = upsample || ctx.opset < 11 ? 1 : 2;
  const sizesInput = upsample || ctx.opset < 11 ? undefined : ctx.optionalInput(3);
  let outH: number; let outW: number;
  if (sizesInput !== undefined) {
    const sizes = Array.from(ctx.constInput(3, 'sizes').data);
    if (sizes.length !== 4 || sizes[0] !== n || sizes[1] !== c) throw new ImportFault('sizes must keep N and C');
    [outH, outW] = [sizes[2]!, sizes[3]!];
  } else {
    const attr = ctx.attr('scales');
    const scales = upsample && ctx.opset < 9 ? (attr?.kind === 'floats' ? attr.value : []) : Array.from(ctx.constInput(scalesIndex, 'scales').data);
    if (scales.length !== 4 || scales[0] !== 1 || scales[1] !== 1) throw new ImportFault('scales must be [1, 1, sh, sw] (N and C kept)');
    [outH, outW] = [Math.floor(h * scales[2]!), Math.floor(w * scales[3]!)];
    // ONNX maps coordinates with the given scale, TFLite with the size ratio: they agree only when the scale is exact.
    if (outH !== h * scales[2]! || outW !== w * scales[3]!) throw new ImportFault(`scales [${scales.join(', ')}] do not give whole output sizes from [${h}, ${w}] (TFLite resizes by the size ratio)`);
  }
  const mode = ctx.string('mode', 'nearest');
  const coord = upsample || ctx.opset < 11 ? 'asymmetric' : ctx.string('coordinate_transformation_mode', 'half_pixel');
  const nearestMode = ctx.string('nearest_mode', 'round_prefer_floor');
  let alignCorners = false;
  let halfPixelCenters = false;
  if (mode === 'linear' || mode === 'bilinear') {
    if (coord === 'align_corners') alignCorners = true;
    // pytorch_half_pixel equals half_pixel except for an output size of 1.
    else if (coord === 'half_pixel' || (coord === 'pytorch_half_pixel' && outH > 1 && outW > 1)) halfPixelCenters = true;
    else if (coord !== 'asymmetric') throw new ImportFault(`linear resize with coordinate_transformation_mode '${coord}' has no TFLite equivalent`);
  } else if (mode === 'nearest') {
    const integerScale = outH % h === 0 && outW % w === 0;
    if (coord === 'asymmetric' && nearestMode === 'floor') { /* TFLite's default */ }
    else if ((coord === 'half_pixel' || coord === 'pytorch_half_pixel') && (nearestMode === 'round_prefer_ceil' || (nearestMode === 'round_prefer_floor' && integerScale))) halfPixelCenters = true;
    else if (coord === 'align_corners' && nearestMode === 'round_prefer_ceil') alignCorners = true;
    else if (coord === 'asymmetric' && integerScale && ctx.opset < 11) { /* Upsample/Resize-10: floor of x / scale */ }
    else throw new ImportFault(`nearest resize with coordinate_transformation_mode '${coord}' and nearest_mode '${nearestMode}' has no TFLite equivalent`);
  } else throw new ImportFault(`mode '${mode}' (nearest and linear are supported)`);
  const out = ctx.output([n, c, outH, outW], 'float32', NHWC);
  const linear = mode !== 'nearest';
  ctx.op(linear ? 'RESIZE_BILINEAR' : 'RESIZE_NEAREST_NEIGHBOR', [ctx.nhwc(x), ctx.int32('size', [outH, outW])], [out],
    linear ? 'ResizeBilinearOptions' : 'ResizeNearestNeighborOptions', { alignCorners, halfPixelCenters });
  return out;
}

const resizeOp: OnnxOpDef = { convert: (ctx) => resize(ctx, false) };
const upsampleOp: OnnxOpDef = { convert: (ctx) => resize(ctx, true) };

export const RESIZE_OPS: OnnxOpTable = { Resize: resizeOp, Upsample: upsampleOp };
