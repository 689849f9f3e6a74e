import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('EQUAL', 'Equal', (a, b) => tf.equal(a, b));
