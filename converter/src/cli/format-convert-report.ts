import type { ConvertReport } from '../convert.js';
import { formatBytes, formatHistogram } from './format-numbers.js';

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The human summary of a conversion: what went in, what came out, and the proof. */
export function formatConvertReport(report: ConvertReport & { output: string }): string {
  const mode = report.mode === 'none' ? 'float32' : report.mode;
  const lines = [
    `${report.source} (${report.format}) -> ${report.output} (${mode})`,
    `  size        source ${formatBytes(report.sourceBytes)}, float32 TFLite ${formatBytes(report.float32Bytes)}, ` +
      `written ${formatBytes(report.outputBytes)} (x${report.sizeRatio.toFixed(3)} of float32)`,
    `  parameters  ${report.parameters.toLocaleString('en-US')}`,
    `  operators   ${formatHistogram(report.operators)}`,
  ];
  const v = report.verify;
  if (v) {
    lines.push(`  verified    ${v.passed ? 'PASS' : 'FAIL'}: float model in ${v.interpreter} vs ${v.reference}, ` +
      `${v.samples} ${v.inputs === 'data' ? 'data' : 'seeded'} samples, tolerance ${v.tolerance} of output range`);
    for (const o of v.outputs) {
      lines.push(`    ${o.name}: max abs error ${o.maxAbsError.toExponential(2)}, relative ${o.maxRelError.toExponential(2)}`);
    }
  } else {
    lines.push('  verified    skipped (--no-verify)');
  }
  const q = report.quantization;
  if (q) {
    if (q.mode === 'int8') lines.push(`  calibration ${q.method} on ${q.samples} samples; model inputs/outputs ${q.io}`);
    for (const p of q.ioParams ?? []) lines.push(`    ${p.name}: scale ${p.scale.toPrecision(6)}, zero point ${p.zeroPoint}`);
    if (q.quantizedWeights) lines.push(`  int8 weights ${q.quantizedWeights.length} tensor(s) (smaller ones stay float, as in TFLite)`);
    if (q.floatOps.length) {
      lines.push(`  float ops   ${q.floatOps.length} op(s) stay float:`);
      for (const f of q.floatOps) lines.push(`    operators[${f.index}] ${f.opcode} '${f.name}': ${f.reason}`);
    }
    const e = q.evaluation;
    if (e) {
      lines.push(`  agreement   ${percent(e.agreement)} same class as float on ${e.samples} ${e.on} samples`);
      if (e.accuracy) lines.push(`  accuracy    float ${percent(e.accuracy.float)}, ${q.mode} ${percent(e.accuracy.int8)}`);
      for (const o of e.outputs) {
        lines.push(`    ${o.name}: max abs error ${o.maxAbsError.toExponential(2)}, mean ${o.meanAbsError.toExponential(2)} (range ${o.range.toPrecision(3)})`);
      }
    }
    if (q.layers?.length) {
      lines.push('  worst layers (SQNR of int8 activations vs float, dB)');
      for (const l of q.layers.slice(0, 5)) lines.push(`    ${l.sqnrDb.toFixed(1).padStart(6)}  ${l.name}`);
    }
  }
  for (const w of report.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
