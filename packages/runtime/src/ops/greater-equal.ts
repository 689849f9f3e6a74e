import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('GREATER_EQUAL', 'GreaterEqual', (a, b) => tf.greaterEqual(a, b));
