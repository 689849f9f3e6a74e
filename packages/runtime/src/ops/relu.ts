import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('RELU', ['Relu'], (x) => tf.relu(x));
