import { poolOp } from './pool.js';

export default poolOp('AVERAGE_POOL_2D', 'AvgPool');
