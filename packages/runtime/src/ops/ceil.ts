import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

export default unaryOp('CEIL', ['Ceil'], (x) => tf.ceil(x));
