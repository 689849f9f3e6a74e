import * as tf from '@tensorflow/tfjs-core';
import { reduceOp } from './reduce.js';

export default reduceOp('SUM', 'Sum', (x, axes, keepDims) => tf.sum(x, axes, keepDims));
