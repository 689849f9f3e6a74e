import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

export default unaryOp('LOGICAL_NOT', ['LogicalNot'], (x) => tf.logicalNot(x));
