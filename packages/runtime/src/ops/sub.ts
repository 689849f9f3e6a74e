import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('SUB', 'Sub', (a, b) => tf.sub(a, b));
