import * as tf from '@tensorflow/tfjs-core';
import { reduceOp } from './reduce.js';

export default reduceOp('REDUCE_PROD', 'Prod', (x, axes, keepDims) => tf.prod(x, axes, keepDims));
