import * as tf from '@tensorflow/tfjs-core';
import { reduceOp } from './reduce.js';

export default reduceOp('REDUCE_MAX', 'Max', (x, axes, keepDims) => tf.max(x, axes, keepDims));
