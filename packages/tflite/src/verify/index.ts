export { verifyGraph, verifiedOps, type VerifyGraphOptions } from './verify-graph.js';
export { DEFAULT_LIMITS, type VerifyLimits } from './check.js';
