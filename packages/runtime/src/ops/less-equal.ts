import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('LESS_EQUAL', 'LessEqual', (a, b) => tf.lessEqual(a, b));
