import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('MUL', 'Multiply', (a, b) => tf.mul(a, b));
