import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('GREATER', 'Greater', (a, b) => tf.greater(a, b));
