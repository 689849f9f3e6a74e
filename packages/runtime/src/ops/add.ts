import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('ADD', 'Add', (a, b) => tf.add(a, b));
