import * as tf from '@tensorflow/tfjs-core';
import { reduceOp } from './reduce.js';

export default reduceOp('MEAN', 'Mean', (x, axes, keepDims) => tf.mean(x, axes, keepDims));
