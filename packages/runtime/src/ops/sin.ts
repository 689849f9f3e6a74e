import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

export default unaryOp('SIN', ['Sin'], (x) => tf.sin(x));
