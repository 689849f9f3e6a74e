import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('RELU6', ['Relu6'], (x) => tf.relu6(x));
