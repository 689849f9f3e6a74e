import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

export default unaryOp('ABS', ['Abs'], (x) => tf.abs(x));
