// Build step: MediaPipe's float16 face detector -> full-integer int8 with the `borde` CLI, calibrated on
// augmented copies of calibration/astronaut.png (written to a temporary folder), plus the sha256 manifest
// the runtime's model cache checks. Skips the work when the output is newer than every input.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createModelManifest } from '@borde/runtime';
import { augment, writeAugmented } from './augment.js';
import { formatAgreement, measureAgreement } from './measure-agreement.js';
import { readPng } from './image.js';
import { CALIBRATION, floatModelPath, KIOSK_DIR, MODEL_DIR, MODEL_FILE, SOURCE_IMAGE } from './paths.js';

const floatModel = floatModelPath();
const inputs = [floatModel, SOURCE_IMAGE, join(KIOSK_DIR, 'scripts', 'augment.ts'), join(KIOSK_DIR, 'scripts', 'build-model.ts'), join(KIOSK_DIR, 'scripts', 'paths.ts')];
const manifestFile = `${MODEL_FILE}.sha256.json`;
const mtime = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;

if (!process.argv.includes('--force') && mtime(manifestFile) > Math.max(...inputs.map(mtime)) && mtime(MODEL_FILE) > 0) {
  console.log(`model: ${MODEL_FILE} is up to date (--force to rebuild)`);
} else {
  mkdirSync(MODEL_DIR, { recursive: true });
  const folder = mkdtempSync(join(tmpdir(), 'borde-kiosk-calibration-'));
  try {
    const images = augment(readPng(SOURCE_IMAGE), CALIBRATION.count, CALIBRATION.seed);
    writeAugmented(images, folder);
    console.log(`model: ${images.length} augmented calibration images in ${folder}`);
    // The CLI's development entry (runs from sources, like every workspace tool here): same flags as `borde`.
    const cliEntry = join(dirname(fileURLToPath(import.meta.resolve('@borde/converter'))), 'cli', 'run.ts');
    const args = [
      '--import', 'tsx', '--conditions', 'borde-source', cliEntry,
      'convert', floatModel,
      '-o', MODEL_FILE,
      '--quantize', 'int8',
      '--calibration', folder,
      '--preset', 'symmetric',
      // Percentile, not min/max: one calibration crop drives the float network's logits to -13,000, and a
      // min/max range that wide leaves the scores no resolution (see models/face-detection/README.md).
      '--calibration-method', 'percentile',
      '--percentile', String(CALIBRATION.percentile),
      '--samples', String(CALIBRATION.count),
      // The app thresholds sigmoid(classificators) at 0.5: budget the logits' step there (issue 10).
      '--logits', 'classificators',
    ];
    const result = spawnSync(process.execPath, args, { cwd: KIOSK_DIR, stdio: 'inherit' });
    if (result.status !== 0) {
      throw new Error(`borde convert failed (exit ${result.status ?? result.signal})`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const manifest = await createModelManifest(new Uint8Array(readFileSync(MODEL_FILE)));
  writeFileSync(manifestFile, `${JSON.stringify(manifest)}\n`);
  console.log(`model: ${MODEL_FILE} (${manifest.size} bytes, sha256 ${manifest.sha256})`);
  // The converter judges outputs tensor by tensor; what matters for a detector is the faces the app finds after
  // decoding and NMS, float model vs int8 model, on images not used for calibration (the model card's figures).
  const agreement = await measureAgreement();
  console.log(`model: as a detector (the app's post-processing, LiteRT, float vs int8):\n${formatAgreement(agreement).map((line) => `  ${line}`).join('\n')}`);
}
