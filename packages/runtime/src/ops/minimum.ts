import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('MINIMUM', 'Minimum', (a, b) => tf.minimum(a, b));
