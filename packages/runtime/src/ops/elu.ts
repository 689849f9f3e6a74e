import * as tf from '@tensorflow/tfjs-core';
import { unaryOp } from './elementwise.js';


export default unaryOp('ELU', ['Elu'], (x) => tf.elu(x));
