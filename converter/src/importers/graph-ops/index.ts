import { COMPARE_OPS } from './compare.js';
import { COMPOSITE_OPS } from './composite.js';
import { CONV_OPS } from './conv.js';
import { EINSUM_OPS } from './einsum.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import { IMAGE_OPS } from './image.js';
import { INDEXING_OPS } from './indexing.js';
import { MATMUL_OPS } from './matmul.js';
import { NMS_OPS } from './nms.js';
import { NORMALIZATION_OPS } from './normalization.js';
import { PATTERN_OPS } from './patterns.js';
import { POOLING_OPS } from './pooling.js';
import { REARRANGE_OPS } from './rearrange.js';
import { REDUCE_OPS } from './reduce.js';
import { SHAPE_OPS } from './shape.js';
import type { OpTable } from './table.js';
import { TRANSPOSE_CONV_OPS } from './transpose-conv.js';

/** Every TensorFlow op the graph-model importer converts, by op name. */
export const GRAPH_OPS: OpTable = {
  ...CONV_OPS, ...MATMUL_OPS, ...ELEMENTWISE_OPS, ...POOLING_OPS, ...REDUCE_OPS, ...SHAPE_OPS, ...IMAGE_OPS,
  ...NORMALIZATION_OPS, ...COMPARE_OPS, ...COMPOSITE_OPS, ...INDEXING_OPS, ...REARRANGE_OPS, ...TRANSPOSE_CONV_OPS,
  ...NMS_OPS, ...EINSUM_OPS, ...PATTERN_OPS,
};

/** Ops that forward their input unchanged at inference. */
export const PASS_THROUGH_OPS = new Set([
  'Identity', 'IdentityN', 'StopGradient', 'Snapshot', 'PreventGradient', 'EnsureShape', 'CheckNumerics',
  'PlaceholderWithDefault',
]);

/** Ops that produce nothing a consumer reads. */
export const NO_OUTPUT_OPS = new Set(['NoOp', 'Assert', 'Print', 'PrintV2']);

/**
 * TensorFlow control flow and the ops that only exist inside it. TFLite has WHILE/IF with subgraphs, which
 * this importer does not build: such models get one error listing every one of these nodes.
 */
export function isControlFlow(op: string): boolean {
  return (
    CONTROL_FLOW.has(op) || op.startsWith('TensorList') || op.startsWith('TensorArray')
  );
}

const CONTROL_FLOW = new Set([
  'While', 'StatelessWhile', 'If', 'StatelessIf', 'Enter', 'Exit', 'Merge', 'Switch', 'NextIteration',
  'LoopCond', 'Case', 'StatelessCase', 'PartitionedCall', 'StatefulPartitionedCall',
]);
