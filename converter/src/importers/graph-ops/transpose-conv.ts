import { attrInts, attrString } from './attrs.js';
import { windowOutput } from './conv.js';
import { ImportFault, shapeOf } from './context.js';
import type { OpTable } from './table.js';
import type { ConstTensor } from './types.js';

// Conv2DBackpropInput (what Conv2DTranspose layers export as) -> TRANSPOSE_CONV(output_shape, weights,
// input, bias). TensorFlow's filter is [kh, kw, out, in]; TFLite's weights are [out, kh, kw, in].

function filterToTflite(f: ConstTensor): ConstTensor {
  const [kh, kw, cout, cin] = f.shape as [number, number, number, number];
  const src = f.data as Float32Array;
  const dst = new Float32Array(src.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let o = 0; o < cout; o++) {
        for (let i = 0; i < cin; i++) dst[((o * kh + y) * kw + x) * cin + i] = src[((y * kw + x) * cout + o) * cin + i]!;
      }
    }
  }
  return { name: f.name, dtype: 'float32', shape: [cout, kh, kw, cin], data: dst };
}

export const TRANSPOSE_CONV_OPS: OpTable = {
  Conv2DBackpropInput: {
    convert(ctx) {
      const format = attrString(ctx.node, 'data_format', 'NHWC');
      if (format !== 'NHWC') throw new ImportFault(`data_format ${format}: TFLite is NHWC only; export the model channels-last (NHWC)`);
      const padding = attrString(ctx.node, 'padding', 'VALID');
      if (padding !== 'SAME' && padding !== 'VALID') throw new ImportFault(`padding ${padding}: TRANSPOSE_CONV has SAME and VALID only`);
      const strides = attrInts(ctx.node, 'strides', [1, 1, 1, 1]);
      if (strides.length !== 4 || strides[0] !== 1 || strides[3] !== 1) throw new ImportFault(`strides [${strides.join(', ')}] must be [1, h, w, 1]`);
      if (attrInts(ctx.node, 'dilations', [1, 1, 1, 1]).some((d) => d !== 1)) throw new ImportFault('dilated transposed convolution: TRANSPOSE_CONV has no dilation');
      const outShape = Array.from(ctx.constInput(0, 'input_sizes').data, Number);
      const filter = ctx.constInput(1, 'filter');
      if (filter.dtype !== 'float32' || filter.shape.length !== 4) throw new ImportFault('the filter must be a rank-4 float32 constant');
      const x = ctx.input(2);
      const inShape = shapeOf(x);
      const [kh, kw, cout, cin] = filter.shape as [number, number, number, number];
      if (outShape.length !== 4 || inShape.length !== 4 || inShape[3] !== cin || outShape[3] !== cout) {
        throw new ImportFault(`input [${inShape.join(', ')}], filter [${filter.shape.join(', ')}] and input_sizes [${outShape.join(', ')}] disagree`);
      }
      const mode = padding;
      if (windowOutput(outShape[1]!, kh, strides[1]!, 1, mode) !== inShape[1] || windowOutput(outShape[2]!, kw, strides[2]!, 1, mode) !== inShape[2]) {
        throw new ImportFault(`input_sizes [${outShape.join(', ')}] do not convolve back to the input [${inShape.join(', ')}]`);
      }
      const out = ctx.output(outShape);
      // A zero bias keeps the operand layout the int8 quantizer and the layers importer use.
      const bias = ctx.constant('zero_bias', 'float32', [cout], new Float32Array(cout));
      ctx.op('TRANSPOSE_CONV', [ctx.int32('output_shape', outShape), { kind: 'const', c: filterToTflite(filter) }, x, bias], [out],
        'TransposeConvOptions', { padding: padding === 'SAME' ? 0 : 1, strideW: strides[2], strideH: strides[1], fusedActivationFunction: 0, quantizedBiasType: 0 });
      return out;
    },
  },
};
