import * as adv from './advanced-activations.js';
import * as conv from './convolutional.js';
import * as core from './core.js';
import * as ops from './keras-ops.js';
import * as merge from './merge.js';
import * as norm from './normalization.js';
import * as pool from './pooling.js';
import type { LayerConverter } from './types.js';

/** Keras class name -> converter. InputLayer is handled by the importer itself. */
export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Dense: core.dense,
  Activation: core.activation,
  Flatten: core.flatten,
  Reshape: core.reshape,
  Permute: core.permute,
  Rescaling: core.rescaling,
  Dropout: core.identity,
  SpatialDropout1D: core.identity,
  SpatialDropout2D: core.identity,
  SpatialDropout3D: core.identity,
  GaussianNoise: core.identity,
  GaussianDropout: core.identity,
  AlphaDropout: core.identity,
  Conv2D: conv.conv2d,
  DepthwiseConv2D: conv.depthwiseConv2d,
  SeparableConv2D: conv.separableConv2d,
  Conv2DTranspose: conv.conv2dTranspose,
  ZeroPadding2D: conv.zeroPadding2d,
  Cropping2D: conv.cropping2d,
  UpSampling2D: conv.upSampling2d,
  MaxPooling2D: pool.maxPooling2d,
  AveragePooling2D: pool.averagePooling2d,
  GlobalAveragePooling2D: pool.globalAveragePooling2d,
  GlobalMaxPooling2D: pool.globalMaxPooling2d,
  BatchNormalization: norm.batchNormalization,
  Normalization: norm.normalization,
  ReLU: adv.relu,
  LeakyReLU: adv.leakyRelu,
  PReLU: adv.prelu,
  ELU: adv.elu,
  Softmax: adv.softmax,
  Add: merge.add,
  Subtract: merge.subtract,
  Multiply: merge.multiply,
  Average: merge.average,
  Maximum: merge.maximum,
  Minimum: merge.minimum,
  Concatenate: merge.concatenate,
  // Keras 3 op nodes (arithmetic on symbolic tensors), named `ops.<Op>` by the importer.
  'ops.Add': ops.add,
  'ops.Subtract': ops.subtract,
  'ops.Multiply': ops.multiply,
  'ops.Divide': ops.divide,
  'ops.TrueDivide': ops.divide,
};

/** Keras aliases seen in model.json files written by other Keras versions. */
export const LAYER_ALIASES: Readonly<Record<string, string>> = {
  Convolution2D: 'Conv2D',
  SeparableConvolution2D: 'SeparableConv2D',
  Convolution2DTranspose: 'Conv2DTranspose',
  Deconvolution2D: 'Conv2DTranspose',
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
};
