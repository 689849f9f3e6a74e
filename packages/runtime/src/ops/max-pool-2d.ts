import { poolOp } from './pool.js';

export default poolOp('MAX_POOL_2D', 'MaxPool');
