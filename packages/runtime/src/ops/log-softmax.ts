import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';

// Over the last axis, as TFLite's LOG_SOFTMAX; tfjs spells it with these kernels.
export default unaryOp('LOG_SOFTMAX', ['Max', 'Sub', 'Exp', 'Sum', 'Log'], (x) => tf.logSoftmax(x));
