import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('MAXIMUM', 'Maximum', (a, b) => tf.maximum(a, b));
