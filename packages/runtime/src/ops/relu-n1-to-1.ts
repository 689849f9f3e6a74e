import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('RELU_N1_TO_1', ['ClipByValue'], (x) => tf.clipByValue(x, -1, 1));
