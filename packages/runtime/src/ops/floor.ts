import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

export default unaryOp('FLOOR', ['Floor'], (x) => tf.floor(x));
