import { CONV_OPS } from './conv.js';
import { ELEMENTWISE_OPS } from './elementwise.js';
import { MATMUL_OPS } from './matmul.js';
import { NORMALIZATION_OPS } from './normalization.js';
import { POOLING_OPS } from './pooling.js';
import { RESIZE_OPS } from './resize.js';
import { SHAPE_OPS } from './shape.js';
import type { OnnxOpTable } from './table.js';

/** Every ONNX (default domain) op the importer converts. */
export const ONNX_OPS: OnnxOpTable = { ...CONV_OPS, ...ELEMENTWISE_OPS, ...MATMUL_OPS, ...NORMALIZATION_OPS, ...POOLING_OPS, ...RESIZE_OPS, ...SHAPE_OPS };

/** Ops that forward their first input unchanged at inference. */
export const PASS_THROUGH = new Set(['Identity', 'Dropout']);
