import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('SQRT', ['Sqrt'], (x) => tf.sqrt(x));
