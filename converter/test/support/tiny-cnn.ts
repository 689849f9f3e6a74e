// A small float CNN built in code with every op family the int8 quantizer treats differently: weighted ops
// (CONV_2D with fused RELU6, DEPTHWISE_CONV_2D, FULLY_CONNECTED), a free-range ADD, same-as-input pooling
// and RESHAPE, inputs-as-output CONCATENATION, and a fixed-output SOFTMAX. Seeded weights.
import { ActivationFunctionType, GraphBuilder, Padding, type Graph } from '@borde/tflite';
import { createRng } from '@borde/converter/verify';

export function tinyCnn(seed = 7): Graph {
  const rng = createRng(seed);
  const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
  const b = new GraphBuilder();
  const x = b.input('image', 'float32', [1, 8, 8, 3]);
  const conv = b.op('CONV_2D', [x, b.constant('conv/kernel', 'float32', [4, 3, 3, 3], random(108, 0.5)), b.constant('conv/bias', 'float32', [4], random(4, 0.1))],
    { optionsType: 'Conv2DOptions', options: { padding: Padding.SAME, strideW: 1, strideH: 1, fusedActivationFunction: ActivationFunctionType.RELU6 } },
    { name: 'conv', dtype: 'float32', shape: [1, 8, 8, 4] });
  const dw = b.op('DEPTHWISE_CONV_2D', [conv, b.constant('dw/kernel', 'float32', [1, 3, 3, 4], random(36, 0.5)), b.constant('dw/bias', 'float32', [4], random(4, 0.1))],
    { optionsType: 'DepthwiseConv2DOptions', options: { padding: Padding.SAME, strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivationFunction: ActivationFunctionType.NONE } },
    { name: 'dw', dtype: 'float32', shape: [1, 8, 8, 4] });
  const add = b.op('ADD', [conv, dw], { optionsType: 'AddOptions', options: { fusedActivationFunction: ActivationFunctionType.NONE } },
    { name: 'residual', dtype: 'float32', shape: [1, 8, 8, 4] });
  const cat = b.op('CONCATENATION', [add, conv], { optionsType: 'ConcatenationOptions', options: { axis: 3, fusedActivationFunction: ActivationFunctionType.NONE } },
    { name: 'concat', dtype: 'float32', shape: [1, 8, 8, 8] });
  const pool = b.op('MAX_POOL_2D', [cat], { optionsType: 'Pool2DOptions', options: { padding: Padding.VALID, strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 } },
    { name: 'pool', dtype: 'float32', shape: [1, 4, 4, 8] });
  const avg = b.op('AVERAGE_POOL_2D', [pool], { optionsType: 'Pool2DOptions', options: { padding: Padding.VALID, strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 } },
    { name: 'avg', dtype: 'float32', shape: [1, 2, 2, 8] });
  const flat = b.op('RESHAPE', [avg, b.constant('flatten/shape', 'int32', [2], Int32Array.of(1, 32))],
    { optionsType: 'ReshapeOptions', options: { newShape: [1, 32] } }, { name: 'flatten', dtype: 'float32', shape: [1, 32] });
  const fc = b.op('FULLY_CONNECTED', [flat, b.constant('dense/kernel', 'float32', [5, 32], random(160, 0.4)), b.constant('dense/bias', 'float32', [5], random(5, 0.1))],
    { optionsType: 'FullyConnectedOptions', options: { fusedActivationFunction: ActivationFunctionType.NONE } },
    { name: 'dense', dtype: 'float32', shape: [1, 5] });
  const probs = b.op('SOFTMAX', [fc], { optionsType: 'SoftmaxOptions', options: { beta: 1 } }, { name: 'probabilities', dtype: 'float32', shape: [1, 5] });
  b.output(probs);
  return b.build();
}
