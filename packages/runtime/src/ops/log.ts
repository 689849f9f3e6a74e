import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('LOG', ['Log'], (x) => tf.log(x));
