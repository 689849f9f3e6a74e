import { attrBool } from './attrs.js';
import { ImportFault, dtypeOf, shapeOf, type OpContext } from './context.js';
import type { OpDef, OpTable } from './table.js';
import type { Value } from './types.js';

// NonMaxSuppressionV3/V4/V5 -> NON_MAX_SUPPRESSION_V4 / V5. TFLite's kernels always pad the selected
// indices to max_output_size and return how many are valid, which is TensorFlow's pad_to_max_output_size:
// that form converts exactly. Without padding the output length is known only at run time, and this
// converter writes static shapes, so such a node is refused by name (V3 has no padding at all).

function unpaddedFault(ctx: OpContext): ImportFault {
  return new ImportFault(
    `returns as many indices as boxes survive, a length known only at run time (${ctx.node.op}${ctx.node.op === 'NonMaxSuppressionV3' ? '' : ' without pad_to_max_output_size'}); `
    + 'export it with pad_to_max_output_size=True (tf.image.non_max_suppression_padded), or cut the graph before it with --outputs',
  );
}

function nms(version: 3 | 4 | 5): OpDef {
  return {
    convert(ctx) {
      if (version === 3 || !attrBool(ctx.node, 'pad_to_max_output_size', false)) throw unpaddedFault(ctx);
      const boxes = ctx.input(0);
      const scores = ctx.input(1);
      const bShape = shapeOf(boxes);
      if (bShape.length !== 2 || bShape[1] !== 4) throw new ImportFault(`boxes must be [num_boxes, 4], are [${bShape.join(', ')}]`);
      if (dtypeOf(boxes) !== 'float32' || dtypeOf(scores) !== 'float32') throw new ImportFault('boxes and scores must be float32');
      const max = ctx.constInput(2, 'max_output_size');
      if (max.data.length !== 1) throw new ImportFault('max_output_size must be a single value');
      const maxOut = Number(max.data[0]);
      const floatScalar = (i: number, what: string): Value => {
        const c = ctx.constInput(i, what);
        if (c.data.length !== 1) throw new ImportFault(`${what} must be a single value`);
        return ctx.constant(what, 'float32', [], Float32Array.of(Number(c.data[0])));
      };
      const inputs = [boxes, scores, ctx.int32('max_output_size', [maxOut], []), floatScalar(3, 'iou_threshold'), floatScalar(4, 'score_threshold')];
      const indices = ctx.output([maxOut], 'int32', 0);
      if (version === 4) {
        const valid = ctx.output([], 'int32', 1);
        ctx.op('NON_MAX_SUPPRESSION_V4', inputs, [indices, valid], 'NonMaxSuppressionV4Options', {});
        return [indices, valid];
      }
      const selectedScores = ctx.output([maxOut], 'float32', 1);
      const valid = ctx.output([], 'int32', 2);
      ctx.op('NON_MAX_SUPPRESSION_V5', [...inputs, floatScalar(5, 'soft_nms_sigma')], [indices, selectedScores, valid], 'NonMaxSuppressionV5Options', {});
      return [indices, selectedScores, valid];
    },
  };
}

export const NMS_OPS: OpTable = {
  NonMaxSuppressionV3: nms(3),
  NonMaxSuppressionV4: nms(4),
  NonMaxSuppressionV5: nms(5),
};
