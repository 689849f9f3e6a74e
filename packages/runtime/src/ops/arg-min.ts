import { argReduceOp } from './arg-reduce.js';

export default argReduceOp('ARG_MIN');
