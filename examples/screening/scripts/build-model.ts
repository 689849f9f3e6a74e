// Build step: the tutorial MLP of models/breast-cancer, converted to full int8 by the `borde` CLI and calibrated
// on the training split, written to public/models/ with its sha256 manifest so the app can cache and verify it.
// Skips the work when the outputs are newer than every input. Run: pnpm --filter @borde/example-screening model
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BREAST_CANCER_DATA_PATH, BREAST_CANCER_FEATURES, breastCancerSplit, type BreastCancerRow } from '@borde/models';
import { createModelManifest } from '@borde/runtime';
import { MODEL_FILE, SPLIT_SEED } from '../src/model-info.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const generated = join(root, 'generated');
const modelsDir = join(root, 'public', 'models');
const tflitePath = join(modelsDir, MODEL_FILE);
const manifestPath = `${tflitePath}.sha256.json`;
const reportPath = join(generated, 'convert-report.json');

// The trained tfjs layers model ships inside @borde/models (models/breast-cancer/tfjs/).
const modelsSource = fileURLToPath(import.meta.resolve('@borde/models'));
const tfjsModel = join(dirname(modelsSource), '..', 'breast-cancer', 'tfjs', 'model.json');
// The CLI's development entry (runs from sources, like every workspace tool here): same flags as `borde`.
const cliEntry = join(dirname(fileURLToPath(import.meta.resolve('@borde/converter'))), 'cli', 'run.ts');

const metaPath = join(generated, 'model-meta.json');
const inputs = [tfjsModel, join(dirname(tfjsModel), 'weights.bin'), BREAST_CANCER_DATA_PATH, fileURLToPath(import.meta.url)];
const force = process.argv.includes('--force');
if (!force && upToDate([tflitePath, manifestPath, metaPath], inputs)) {
  console.log(`model: ${tflitePath} is up to date`);
  process.exit(0);
}

mkdirSync(generated, { recursive: true });
mkdirSync(modelsDir, { recursive: true });
const { train, test } = breastCancerSplit(SPLIT_SEED);
const header = [...BREAST_CANCER_FEATURES, 'malignant'].join(',');
const csv = (rows: BreastCancerRow[]) => `${header}\n${rows.map((r) => [...r.features, r.label].join(',')).join('\n')}\n`;
writeFileSync(join(generated, 'train.csv'), csv(train));
writeFileSync(join(generated, 'test.csv'), csv(test));

const args = [
  '--import', 'tsx', '--conditions', 'borde-source', cliEntry,
  'convert', tfjsModel, '-o', tflitePath,
  '--quantize', 'int8',
  '--calibration', join(generated, 'train.csv'), '--label-column', 'malignant',
  '--samples', String(train.length), // every training row
  '--eval', join(generated, 'test.csv'),
  '--json',
];
console.log(`model: borde ${args.slice(5).map((a) => a.replace(root, '')).join(' ')}`);
const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (result.status !== 0) {
  console.error(result.stdout);
  console.error(`model: borde convert failed (exit ${result.status})`);
  process.exit(1);
}
writeFileSync(reportPath, result.stdout);
const bytes = new Uint8Array(readFileSync(tflitePath));
const manifest = await createModelManifest(bytes);
writeFileSync(manifestPath, `${JSON.stringify(manifest)}\n`);
// What the app shows and needs: the feature names in model input order, the file, its size, and its version
// (the first 12 hex digits of its sha256, the identity the cache verifies).
const meta = { features: BREAST_CANCER_FEATURES, modelFile: MODEL_FILE, bytes: bytes.byteLength, version: manifest.sha256.slice(0, 12) };
writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
const report = JSON.parse(result.stdout) as { accuracy?: unknown };
console.log(`model: ${bytes.byteLength} bytes int8 -> ${tflitePath}; accuracy ${JSON.stringify(report.accuracy ?? 'n/a')}`);

function upToDate(outputs: string[], sources: string[]): boolean {
  try {
    const oldestOutput = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
    return sources.every((p) => statSync(p).mtimeMs <= oldestOutput);
  } catch {
    return false;
  }
}
