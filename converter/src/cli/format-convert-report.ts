import type { ConvertReport } from '../convert.js';
import { formatBytes, formatHistogram, formatMs, groupThousands } from './format-numbers.js';

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The human summary of a conversion: what went in, what came out, and the proof. */
export function formatConvertReport(report: ConvertReport & { output: string }): string {
  const mode = report.mode === 'none' ? 'float32' : report.mode;
  const lines = [
    `${report.source} (${report.format}) -> ${report.output} (${mode})`,
    `  size        source ${formatBytes(report.sourceBytes)}, float32 TFLite ${formatBytes(report.float32Bytes)}, ` +
      `written ${formatBytes(report.outputBytes)} (x${report.sizeRatio.toFixed(3)} of float32)`,
    `  parameters  ${groupThousands(report.parameters)}`,
    `  operators   ${formatHistogram(report.operators)}`,
  ];
  const v = report.verify;
  if (v) {
    lines.push(`  verified    ${v.passed ? 'PASS' : 'FAIL'}: float model in ${v.interpreter} vs ${v.reference}, ` +
      `${v.samples} ${v.inputs === 'data' ? 'data' : 'seeded'} samples, tolerance ${v.tolerance} of output range`);
    for (const o of v.outputs) {
      const floor = o.noiseFloor !== undefined
        ? ` (over ${v.tolerance} of range; float32 noise floor ${o.noiseFloor.toExponential(2)}, allowed ${o.allowed.toExponential(2)})`
        : '';
      lines.push(`    ${o.name}: max abs error ${o.maxAbsError.toExponential(2)}, relative ${o.maxRelError.toExponential(2)}${floor}`);
    }
  } else {
    lines.push('  verified    skipped (--no-verify)');
  }
  if (report.calibrationStats) {
    lines.push(`  drift stats ${report.calibrationStats.samples} calibration samples summarised in metadata borde_calibration_stats ` +
      `(${formatBytes(report.calibrationStats.bytes)}), for @borde/runtime's monitor()`);
  }
  const q = report.quantization;
  if (q) {
    if (q.mode === 'int8' || q.mode === 'int16x8') lines.push(`  calibration ${q.method} on ${q.samples} samples; model inputs/outputs ${q.io}`);
    for (const p of q.ioParams ?? []) lines.push(`    ${p.name}: scale ${p.scale.toPrecision(6)}, zero point ${p.zeroPoint}`);
    if (q.quantizedWeights) lines.push(`  int8 weights ${q.quantizedWeights.length} tensor(s) (smaller ones stay float, as in TFLite)`);
    const kept = new Set(q.mixedPrecision?.kept.map((k) => k.index));
    const unsupported = q.floatOps.filter((f) => !kept.has(f.index));
    if (unsupported.length) {
      lines.push(`  float ops   ${unsupported.length} op(s) stay float:`);
      for (const f of unsupported) lines.push(`    operators[${f.index}] ${f.opcode} '${f.name}': ${f.reason}`);
    }
    for (const f of q.inputBoundaryOps ?? []) lines.push(`  boundary    operators[${f.index}] ${f.opcode} '${f.name}': ${f.reason}`);
    const e = q.evaluation;
    if (e) {
      if (e.agreement !== undefined) lines.push(`  agreement   ${percent(e.agreement)} of class decisions same as float`);
      if (e.accuracy) lines.push(`  accuracy    float ${percent(e.accuracy.float)}, ${q.mode} ${percent(e.accuracy.int8)}`);
      lines.push(...formatQuality(q));
    }
    const l = q.latencyMs;
    if (l) {
      lines.push(`  latency     LiteRT median per run: float ${formatMs(l.float)}, all-${q.mode} ${formatMs(l.quantized)}` +
        (l.mixed !== undefined ? `, mixed ${formatMs(l.mixed)}` : ''));
    }
    if (q.mixedPrecision) {
      const m = q.mixedPrecision;
      const int16 = m.kept.filter((k) => k.precision === 'int16').length;
      lines.push(`  mixed       ${m.kept.length - int16} op(s) kept float, ${int16} given int16 activations by the search in ${m.rounds} round(s); size ` +
        `${formatBytes(m.int8Bytes)} all-${q.mode} -> ${formatBytes(m.bytes)} (+${formatBytes(m.bytes - m.int8Bytes)})`);
      for (const k of m.kept) {
        const op = k.latencyMs;
        const cost = op ? ` [op alone: int8 ${formatMs(op.int8)}, int16 ${op.int16 !== undefined ? formatMs(op.int16) : op.int16Refused ? 'refused by LiteRT' : 'no kernel'}, float ${formatMs(op.float)}]` : '';
        lines.push(`    operators[${k.index}] ${k.opcode} '${k.name}' -> ${k.precision}: ${k.reason}${cost}`);
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

const SOURCES = {
  eval: 'labelled --eval samples',
  'held-out': 'held-out samples (a seeded 20% of the calibration data, not calibrated on)',
  calibration: 'calibration samples (too few to hold any out)',
} as const;

/** The per-output quality table and the budget verdict (issue #10). */
export function formatQuality(q: NonNullable<ConvertReport['quantization']>): string[] {
  const e = q.evaluation!;
  const b = q.budget;
  const verdict = b ? (b.passed ? 'PASS' : 'MISSED') : '';
  const lines = [
    `  quality     ${e.samples} ${SOURCES[e.on]}` +
      (b ? `; budget mean ${percent(b.budget.maxMeanError)}, p99 ${percent(b.budget.maxP99Error)} of range, ` +
        `agreement ${percent(b.budget.minAgreement)}, p step ${b.budget.maxDecisionStep}: ${verdict}` : ''),
  ];
  const width = Math.max(6, ...e.outputs.map((o) => o.name.length));
  lines.push(`    ${'output'.padEnd(width)}  SQNR dB  mean err   p99 err   max err  agreement  p step@0.5  range`);
  const missed = new Set(b?.misses.map((m) => m.output));
  for (const o of e.outputs) {
    lines.push(`    ${o.name.padEnd(width)}  ${o.sqnrDb.toFixed(1).padStart(7)}  ${percent(o.meanError).padStart(8)}  ${percent(o.p99Error).padStart(8)}  ` +
      `${percent(o.maxError).padStart(8)}  ${(o.agreement === undefined ? '-' : percent(o.agreement)).padStart(9)}  ` +
      `${(o.decisionStep === undefined ? '-' : o.decisionStep.toFixed(4)).padStart(10)}  ${o.range.toPrecision(3)}` +
      (missed.has(o.name) ? '  <- over budget' : ''));
  }
  return lines;
}
