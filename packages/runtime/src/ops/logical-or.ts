import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('LOGICAL_OR', 'LogicalOr', (a, b) => tf.logicalOr(a, b));
