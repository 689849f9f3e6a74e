import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('LOGISTIC', ['Sigmoid'], (x) => tf.sigmoid(x));
