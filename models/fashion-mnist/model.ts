import * as tf from '@tensorflow/tfjs';

export interface FashionMnistModelOptions {
  /** Seed of every kernel initializer; the i-th initialized layer uses seed + i. */
  seed: number;
  /** Channel widths: stem (14x14), first stage (7x7), second stage (7x7). */
  widths?: [number, number, number];
  dropout?: number;
}

export const FASHION_MNIST_MODEL_NAME = 'fashion_mnist_mobilenet';

/**
 * A small MobileNet-style CNN for 28x28x1 inputs in [0, 1]:
 *
 *   stem      Conv2D 3x3 stride 2 'same' -> BN -> ReLU6                          14x14 x w0
 *   down1     ZeroPadding2D (0,1),(0,1) -> DepthwiseConv2D 3x3 stride 2 'valid'
 *             -> BN -> ReLU6 -> Conv2D 1x1 -> BN -> ReLU6                         7x7 x w1
 *   res1      x + BN(Conv2D 1x1(ReLU6(BN(DepthwiseConv2D 3x3 'same'(x)))))       7x7 x w1
 *   widen     ZeroPadding2D (1,1),(1,1) -> DepthwiseConv2D 3x3 'valid' -> BN -> ReLU6
 *             -> Conv2D 1x1 -> BN -> ReLU6                                        7x7 x w2
 *   res2      as res1                                                            7x7 x w2
 *   head      GlobalAveragePooling2D -> Dropout -> Dense 10 softmax
 *
 * Stride-2 stages pad bottom/right then use 'valid', as Keras MobileNet does; the residual blocks are
 * MobileNetV2's linear bottleneck (no activation after the Add). Convolutions feed BatchNormalization, so
 * they carry no bias. ReLU6 is the ReLU layer with maxValue 6 (Keras `ReLU(max_value=6)`).
 */
export function buildFashionMnistModel(options: FashionMnistModelOptions): tf.LayersModel {
  const [stem, middle, last] = options.widths ?? [16, 48, 96];
  let nextSeed = options.seed;
  const init = () => tf.initializers.glorotUniform({ seed: nextSeed++ });

  const conv = (x: tf.SymbolicTensor, filters: number, kernel: number, strides: number, name: string) =>
    tf.layers
      .conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false, kernelInitializer: init(), name })
      .apply(x) as tf.SymbolicTensor;
  const depthwise = (x: tf.SymbolicTensor, strides: number, padding: 'same' | 'valid', name: string) =>
    tf.layers
      .depthwiseConv2d({ kernelSize: 3, strides, padding, useBias: false, depthwiseInitializer: init(), name })
      .apply(x) as tf.SymbolicTensor;
  const batchNorm = (x: tf.SymbolicTensor, name: string) =>
    tf.layers.batchNormalization({ name }).apply(x) as tf.SymbolicTensor;
  const relu6 = (x: tf.SymbolicTensor, name: string) => tf.layers.reLU({ maxValue: 6, name }).apply(x) as tf.SymbolicTensor;
  const zeroPad = (x: tf.SymbolicTensor, padding: [[number, number], [number, number]], name: string) =>
    tf.layers.zeroPadding2d({ padding, name }).apply(x) as tf.SymbolicTensor;

  /** Explicit ZeroPadding2D, 'valid' depthwise 3x3, then pointwise 1x1, each with BN + ReLU6. */
  const separable = (x: tf.SymbolicTensor, filters: number, strides: number, name: string) => {
    const padding: [[number, number], [number, number]] = strides === 2 ? [[0, 1], [0, 1]] : [[1, 1], [1, 1]];
    let y = zeroPad(x, padding, `${name}_pad`);
    y = relu6(batchNorm(depthwise(y, strides, 'valid', `${name}_dw`), `${name}_dw_bn`), `${name}_dw_relu6`);
    return relu6(batchNorm(conv(y, filters, 1, 1, `${name}_pw`), `${name}_pw_bn`), `${name}_pw_relu6`);
  };
  /** x + BN(pointwise(ReLU6(BN(depthwise(x))))): the residual Add. */
  const residual = (x: tf.SymbolicTensor, filters: number, name: string) => {
    let y = relu6(batchNorm(depthwise(x, 1, 'same', `${name}_dw`), `${name}_dw_bn`), `${name}_dw_relu6`);
    y = batchNorm(conv(y, filters, 1, 1, `${name}_pw`), `${name}_pw_bn`);
    return tf.layers.add({ name: `${name}_add` }).apply([x, y]) as tf.SymbolicTensor;
  };

  const input = tf.input({ shape: [28, 28, 1], name: 'image' });
  let x = relu6(batchNorm(conv(input, stem, 3, 2, 'stem_conv'), 'stem_bn'), 'stem_relu6');
  x = separable(x, middle, 2, 'down1');
  x = residual(x, middle, 'res1');
  x = separable(x, last, 1, 'widen');
  x = residual(x, last, 'res2');
  x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: options.dropout ?? 0.2, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: 10, activation: 'softmax', kernelInitializer: init(), name: 'probabilities' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: FASHION_MNIST_MODEL_NAME });
}
