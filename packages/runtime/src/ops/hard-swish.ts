import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

// x * relu6(x + 3) / 6, in TFLite's order of float operations.
export default unaryOp('HARD_SWISH', ['Add', 'Relu6', 'Multiply', 'RealDiv'], (x) =>
  tf.div(tf.mul(x, tf.relu6(tf.add(x, 3))), 6),
);
