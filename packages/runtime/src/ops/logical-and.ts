import * as tf from '@tensorflow/tfjs-core';
import { binaryOp } from './elementwise.js';

export default binaryOp('LOGICAL_AND', 'LogicalAnd', (a, b) => tf.logicalAnd(a, b));
