import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('NOT_EQUAL', 'NotEqual', (a, b) => tf.notEqual(a, b));
