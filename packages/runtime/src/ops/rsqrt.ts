import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('RSQRT', ['Rsqrt'], (x) => tf.rsqrt(x));
