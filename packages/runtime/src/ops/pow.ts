import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('POW', 'Pow', (a, b) => tf.pow(a, b));
