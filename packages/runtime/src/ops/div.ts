import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('DIV', 'RealDiv', (a, b) => tf.div(a, b));
