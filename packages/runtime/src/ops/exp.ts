import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('EXP', ['Exp'], (x) => tf.exp(x));
