import type { PackedTensor } from './tensor-types.js';

/** The parts of `borde convert --json`'s report a model card quotes (read loosely: it is a user's file). */
interface ReportJson {
  source?: string;
  format?: string;
  mode?: string;
  float32Bytes?: number;
  outputBytes?: number;
  verify?: { passed?: boolean; interpreter?: string; maxRelError?: number };
  quantization?: {
    evaluation?: { accuracy?: { float?: number; int8?: number }; agreement?: number; samples?: number };
    budget?: { passed?: boolean };
  };
}

export interface CardInput {
  packageName: string;
  version: string;
  sha256: string;
  sizeBytes: number;
  inputs: PackedTensor[];
  outputs: PackedTensor[];
  operators: Record<string, number>;
  labels?: string[];
  classOutput?: string;
  /** The converter's report JSON, when given. */
  report?: unknown;
  /** The user's own card (markdown), appended. */
  userCard?: string;
  converterVersion: string;
  modelFileName: string;
}

function tensorRow(t: PackedTensor): string {
  const q = t.quantization;
  const quant = q ? (q.scale.length === 1 ? `int scale ${q.scale[0]!.toPrecision(6)}, zero point ${q.zeroPoint[0]}` : `per channel (${q.scale.length} scales)`) : 'none';
  return `| \`${t.name}\` | ${t.dtype} | [${t.shape.join(', ')}] | ${quant} |`;
}

function pct(x: number | undefined): string {
  return x === undefined ? 'not measured' : `${(x * 100).toFixed(2)}%`;
}

function quality(report: unknown): string[] {
  if (report === undefined) return ['Not measured: the package was made without `--report` (the JSON of `borde convert --json`).'];
  const r = report as ReportJson;
  const e = r.quantization?.evaluation;
  return [
    '| | |',
    '|---|---|',
    `| Conversion | ${r.format ?? '?'} -> ${r.mode ?? '?'} |`,
    `| Verified against the source | ${r.verify ? `${r.verify.passed ? 'passed' : 'FAILED'} in ${r.verify.interpreter ?? '?'}, max relative error ${r.verify.maxRelError?.toExponential(2) ?? '?'}` : 'not measured'} |`,
    `| Accuracy, float / quantized | ${pct(e?.accuracy?.float)} / ${pct(e?.accuracy?.int8)}${e?.samples ? ` on ${e.samples} samples` : ''} |`,
    `| Decisions agreeing with float | ${pct(e?.agreement)} |`,
    `| Quality budget | ${r.quantization?.budget ? (r.quantization.budget.passed ? 'passed' : 'FAILED') : 'not measured'} |`,
    `| Size, float32 -> this file | ${r.float32Bytes ?? '?'} B -> ${r.outputBytes ?? '?'} B |`,
  ];
}

function quantizationSummary(c: CardInput): string {
  const all = [...c.inputs, ...c.outputs];
  if (c.operators['QUANTIZE'] || c.operators['DEQUANTIZE'] || all.some((t) => t.quantization)) {
    return `Quantized (${all.some((t) => t.quantization) ? 'integer inputs/outputs' : 'float inputs/outputs, integer inside'}).`;
  }
  return 'Float (no quantized inputs or outputs).';
}

/** README.md of a packed model: what goes in and out, how it was made and measured, and how to use it. */
export function modelCard(c: CardInput): string {
  const operators = Object.entries(c.operators).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', ');
  const firstInput = c.inputs[0];
  const classOutput = c.classOutput;
  return [
    `# ${c.packageName} ${c.version}`,
    '',
    `A TensorFlow Lite model packaged by \`borde pack\` (@borde/converter ${c.converterVersion}) with a typed wrapper. It runs with`,
    '`@borde/runtime` (a peer dependency: install it too).',
    '',
    '```js',
    `import { load } from '${c.packageName}';`,
    '',
    'const model = await load();',
    `const outputs = await model.run({ ${firstInput ? `${JSON.stringify(firstInput.name)}: new ${firstInput.dtype === 'float32' ? 'Float32Array' : 'Int8Array'}(${firstInput.shape.reduce((a, b) => a * Math.max(b, 1), 1)})` : ''} });`,
    ...(classOutput ? [`console.log(outputs[${JSON.stringify(classOutput)}].top(3)); // [{ label, index, score }, ...]`] : []),
    '```',
    '',
    `The model's bytes are checked against their sha256 before they run (in pages through the runtime's verified`,
    'cache, in Node when read from disk). Bundlers find the file through `new URL(\'./model.tflite\', import.meta.url)`.',
    '',
    '## Model',
    '',
    `| | |`,
    `|---|---|`,
    `| File | \`${c.modelFileName}\` (${c.sizeBytes} bytes) |`,
    `| sha256 | \`${c.sha256}\` |`,
    `| Quantization | ${quantizationSummary(c)} |`,
    `| Operators | ${operators} |`,
    ...(c.labels ? [`| Labels | ${c.labels.length} on \`${classOutput}\`: ${c.labels.join(', ')} |`] : []),
    '',
    '## Inputs',
    '',
    '| name | dtype | shape | quantization |',
    '|---|---|---|---|',
    ...c.inputs.map(tensorRow),
    '',
    '## Outputs',
    '',
    '| name | dtype | shape | quantization |',
    '|---|---|---|---|',
    ...c.outputs.map(tensorRow),
    '',
    '## Quality report',
    '',
    ...quality(c.report),
    '',
    '## Provenance',
    '',
    `Source: ${sourceName(c.report)}. Packed from \`${c.modelFileName}\` by \`borde pack\` ` +
      `(@borde/converter ${c.converterVersion}).`,
    ...(c.userCard ? ['', '## About this model', '', c.userCard.trim()] : []),
    '',
  ].join('\n');
}

/** The source's file name only: the report's absolute path says nothing useful to the package's users. */
function sourceName(report: unknown): string {
  const source = (report as ReportJson | undefined)?.source;
  return source ? `\`${source.split(/[\\/]/).filter(Boolean).slice(-2).join('/')}\`` : 'not recorded';
}
