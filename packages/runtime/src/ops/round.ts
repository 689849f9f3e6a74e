import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

// Half to even, as TFLite rounds.
export default unaryOp('ROUND', ['Round'], (x) => tf.round(x));
