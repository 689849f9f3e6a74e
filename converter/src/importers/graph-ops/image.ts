import * as tf from '@tensorflow/tfjs';
import { attrBool } from './attrs.js';
import { ImportFault, shapeOf, type OpContext } from './context.js';
import type { OpTable } from './table.js';
import type { Value } from './types.js';

// ResizeBilinear / ResizeNearestNeighbor with a constant size -> RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR,
// keeping align_corners and half_pixel_centers (the two options decide where samples land).

function convert(ctx: OpContext, opcode: string, optionsType: string): Value {
  const x = ctx.input(0);
  const shape = shapeOf(x);
  if (shape.length !== 4) throw new ImportFault(`images must be rank 4 (NHWC), are [${shape.join(', ')}]`);
  const size = Array.from(ctx.constInput(1, 'size').data);
  if (size.length !== 2) throw new ImportFault('size must hold [height, width]');
  const alignCorners = attrBool(ctx.node, 'align_corners', false);
  const halfPixelCenters = attrBool(ctx.node, 'half_pixel_centers', false);
  const out = ctx.output([shape[0]!, size[0]!, size[1]!, shape[3]!]);
  ctx.op(opcode, [x, ctx.int32('size', size)], [out], optionsType, { alignCorners, halfPixelCenters });
  return out;
}

export const IMAGE_OPS: OpTable = {
  ResizeBilinear: {
    convert: (ctx) => convert(ctx, 'RESIZE_BILINEAR', 'ResizeBilinearOptions'),
    fold: (ctx, [x, size]) => tf.image.resizeBilinear(x as tf.Tensor4D, Array.from(size!.dataSync()) as [number, number],
      attrBool(ctx.node, 'align_corners', false), attrBool(ctx.node, 'half_pixel_centers', false)),
  },
  ResizeNearestNeighbor: {
    convert: (ctx) => convert(ctx, 'RESIZE_NEAREST_NEIGHBOR', 'ResizeNearestNeighborOptions'),
    fold: (ctx, [x, size]) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, Array.from(size!.dataSync()) as [number, number],
      attrBool(ctx.node, 'align_corners', false), attrBool(ctx.node, 'half_pixel_centers', false)),
  },
};
