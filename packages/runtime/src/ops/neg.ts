import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

export default unaryOp('NEG', ['Neg'], (x) => tf.neg(x));
