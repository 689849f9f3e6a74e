import * as tf from '@tensorflow/tfjs-core';
import { reduceOp } from './reduce.js';

export default reduceOp('REDUCE_MIN', 'Min', (x, axes, keepDims) => tf.min(x, axes, keepDims));
