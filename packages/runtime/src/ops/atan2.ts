import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('ATAN2', 'Atan2', (y, x) => tf.atan2(y, x));
