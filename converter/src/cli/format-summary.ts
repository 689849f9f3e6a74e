import type { ModelSummary, TensorSummary } from '@borde/tflite';
import { compareNames, formatBytes, groupThousands } from './format-numbers.js';

function tensorLine(t: TensorSummary): string {
  const q = t.quantization;
  const quant = q && q.scale.length === 1 ? `  scale ${q.scale[0]!.toPrecision(6)} zero point ${q.zeroPoint[0]}` :
    q && q.scale.length > 1 ? `  per-channel (${q.scale.length} scales, axis ${q.quantizedDimension})` : '';
  return `  #${String(t.index).padEnd(4)} ${t.name.padEnd(32)} ${t.dtype.padEnd(8)} [${t.shape.join(', ')}]${quant}`;
}

/** `borde inspect` as a person reads it: what goes in and out, what runs, what it weighs. */
export function formatSummary(path: string, s: ModelSummary): string {
  const ops = Object.entries(s.opHistogram).sort((a, b) => b[1] - a[1] || compareNames(a[0], b[0]));
  const width = Math.max(8, ...ops.map(([op]) => op.length));
  const bytes = Object.entries(s.bytesByDtype).map(([dtype, n]) => `${dtype} ${formatBytes(n!)}`).join(', ') || 'none';
  return [
    `${path}: ${s.sizeBytes === undefined ? '' : `${formatBytes(s.sizeBytes)}, `}${s.subgraphs} subgraph(s), ` +
      `${s.operators.length} operators, ${s.tensors} tensors`,
    'inputs',
    ...s.inputs.map(tensorLine),
    'outputs',
    ...s.outputs.map(tensorLine),
    'operators',
    ...ops.map(([op, n]) => `  ${op.padEnd(width)} ${String(n).padStart(4)}`),
    `parameters  ${groupThousands(s.parameterCount)} (${bytes})`,
    `quantized   ${s.quantizedTensors.count} tensors (${s.quantizedTensors.perChannel} per-channel)`,
  ].join('\n');
}
