import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('TANH', ['Tanh'], (x) => tf.tanh(x));
