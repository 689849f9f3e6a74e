// A small int8 model that makes LiteRT trap, for the tests of its crash recovery.
import { GraphBuilder, writeModel } from '@borde/tflite';

/** int8 CONV_2D; `inputZeroPoint` outside [-128, 127] (e.g. 1000) makes LiteRT 2.5.3 trap while preparing it. */
export function convModel(inputZeroPoint: number): Uint8Array {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', [1, 8, 8, 3]);
  const xq = b.op('QUANTIZE', [x], undefined, { name: 'xq', dtype: 'int8', shape: [1, 8, 8, 3], quantization: { scale: [0.01], zeroPoint: [inputZeroPoint], quantizedDimension: 0 } });
  const w = b.constant('w', 'int8', [4, 3, 3, 3], Int8Array.from({ length: 108 }, (_, i) => ((i * 37) % 255) - 127),
    { quantization: { scale: [0.01, 0.02, 0.01, 0.02], zeroPoint: [0, 0, 0, 0], quantizedDimension: 0 } });
  const bias = b.constant('b', 'int32', [4], Int32Array.from([10, 20, 30, 40]),
    { quantization: { scale: [1e-4, 2e-4, 1e-4, 2e-4], zeroPoint: [0, 0, 0, 0], quantizedDimension: 0 } });
  const y = b.op('CONV_2D', [xq, w, bias], { optionsType: 'Conv2DOptions', options: { padding: 0, strideW: 1, strideH: 1 } },
    { name: 'yq', dtype: 'int8', shape: [1, 8, 8, 4], quantization: { scale: [0.05], zeroPoint: [-10], quantizedDimension: 0 } });
  b.output(b.op('DEQUANTIZE', [y], undefined, { name: 'y', dtype: 'float32', shape: [1, 8, 8, 4] }));
  return writeModel(b.build());
}

/** An input for convModel: [1, 8, 8, 3] float32. */
export const convInput = Float32Array.from({ length: 192 }, (_, i) => ((i * 13) % 100) / 100 - 0.5);
