import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

export default unaryOp('SIGN', ['Sign'], (x) => tf.sign(x));
