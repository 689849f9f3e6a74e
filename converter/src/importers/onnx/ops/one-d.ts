import { ImportFault, OnnxContext, type OnnxValue, type TensorValue } from '../context.js';
import type { OnnxAttr, OnnxNode } from '../read-model.js';
import type { OnnxOpDef } from './table.js';

/** [N, C, L] stored [N, L, C]: TFLite's channels-last order for 1-D signals. */
export const NLC = [0, 2, 1];

/**
 * Runs a 1-D window op (Conv, ConvTranspose, pools on [N, C, L]) as its 2-D form on [N, C, 1, L]: the
 * signal stored NLC is reshaped (no data movement) to NHWC [N, 1, L, C], the 2-D op runs, and its output
 * is reshaped back and stored NLC, so a 1-D network also runs without TRANSPOSE inside.
 */
export function oneDimensional(def: OnnxOpDef): OnnxOpDef {
  return {
    convert(ctx) {
      const x = ctx.input(0);
      if (x.kind !== 'tensor' || x.shape.length !== 3) return def.convert(ctx);
      const [n, c, l] = x.shape as [number, number, number];
      const stored = ctx.toPerm(x, NLC);
      const x4 = ctx.intermediate('as_2d', [n, c, 1, l], x.dtype, [0, 2, 3, 1]);
      ctx.op('RESHAPE', [stored, ctx.int32('shape_2d', [n, 1, l, c])], [x4], 'ReshapeOptions', { newShape: [n, 1, l, c] });
      const inputs: (OnnxValue | undefined)[] = [x4, ...ctx.inputs.slice(1)];
      const w = inputs[1];
      if (w?.kind === 'const' && w.c.shape.length === 3) {
        const [o, i, k] = w.c.shape as [number, number, number];
        inputs[1] = { kind: 'const', c: { ...w.c, shape: [o, i, 1, k] } };
      }
      const attrs = new Map<string, OnnxAttr>(ctx.node.attrs);
      const widen = (name: string, pad: number, pads = false): void => {
        const a = ctx.attr(name);
        if (a?.kind !== 'ints') return;
        attrs.set(name, { kind: 'ints', value: pads ? [pad, a.value[0]!, pad, a.value[1]!] : [pad, ...a.value] });
      };
      widen('kernel_shape', 1);
      widen('strides', 1);
      widen('dilations', 1);
      widen('output_padding', 0);
      widen('pads', 0, true);
      if (ctx.attr('output_shape')) throw new ImportFault('output_shape on a 1-D transposed convolution');
      const node: OnnxNode = { ...ctx.node, attrs, outputs: [`${ctx.node.outputs[0]}/2d`] };
      const result = def.convert(new OnnxContext(node, inputs, ctx.layout, ctx.opset)) as TensorValue;
      const [, co, , lo] = result.shape as [number, number, number, number];
      const wide = ctx.toPerm(result, [0, 2, 3, 1]);
      const out = ctx.output([n, co, lo], x.dtype, NLC);
      ctx.op('RESHAPE', [wide, ctx.int32('shape_1d', [n, lo, co])], [out], 'ReshapeOptions', { newShape: [n, lo, co] });
      return out;
    },
  };
}
