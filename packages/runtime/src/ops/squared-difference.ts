import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('SQUARED_DIFFERENCE', 'SquaredDifference', (a, b) => tf.squaredDifference(a, b));
