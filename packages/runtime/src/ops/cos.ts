import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

export default unaryOp('COS', ['Cos'], (x) => tf.cos(x));
