import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('SQUARE', ['Square'], (x) => tf.square(x));
