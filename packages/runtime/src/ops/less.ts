import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('LESS', 'Less', (a, b) => tf.less(a, b));
