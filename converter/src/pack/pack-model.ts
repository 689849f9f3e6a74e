import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readModel, summarize, verifyGraph } from '@borde/tflite';
import { ConverterError } from '../errors.js';
import { modelCard } from './model-card.js';
import { packedTensor, type PackedTensor } from './tensor-types.js';
import { wrapperDts, wrapperJs } from './wrapper.js';

export interface PackOptions {
  /** The .tflite bytes. */
  model: Uint8Array;
  /** npm package name, e.g. `@acme/fashion-classifier`. */
  name: string;
  /** Semver version of the package. */
  version: string;
  /** Class names, one per entry of the class output's last dimension. */
  labels?: string[];
  /** Markdown about the model (intended use, data, limits), appended to the card. */
  card?: string;
  /** `borde convert --json`'s report, quoted in the card. */
  report?: unknown;
  /** Version of @borde/runtime the wrapper is written against (the peer range is ^ this). */
  runtimeVersion: string;
  converterVersion: string;
}

/** File name (relative to the package folder) -> contents. */
export type PackageFiles = Map<string, string | Uint8Array>;

const MODEL_FILE = 'model.tflite';
// npm's rules for names (lower case, URL-safe, optional scope) and plain semver versions.
const NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function invalid(message: string): ConverterError {
  return new ConverterError('INVALID_OPTIONS', message);
}

/** The one output the labels name: its last dimension has one entry per label. */
function classOutputFor(outputs: PackedTensor[], labels: string[]): string {
  const fits = outputs.filter((o) => o.shape[o.shape.length - 1] === labels.length);
  if (fits.length === 1) return fits[0]!.name;
  const shapes = outputs.map((o) => `${o.name} [${o.shape.join(', ')}]`).join(', ');
  throw invalid(fits.length === 0
    ? `--labels has ${labels.length} labels but no output has ${labels.length} classes in its last dimension (outputs: ${shapes}). Give one label per class, one per line.`
    : `--labels has ${labels.length} labels and several outputs have ${labels.length} classes (${shapes}); Borde cannot tell which one they name.`);
}

/** The files of an npm package for a model: the model, its manifest, a model card and a typed wrapper. */
export function packageFiles(options: PackOptions): PackageFiles {
  if (!NAME.test(options.name)) throw invalid(`--name "${options.name}" is not an npm package name (lower case, e.g. @scope/my-model).`);
  if (!VERSION.test(options.version)) throw invalid(`--version "${options.version}" is not a semver version (e.g. 1.0.0).`);
  const graph = readModel(options.model);
  verifyGraph(graph);
  const summary = summarize(graph, { sizeBytes: options.model.byteLength });
  const inputs = summary.inputs.map(packedTensor);
  const outputs = summary.outputs.map(packedTensor);
  const labels = options.labels;
  if (labels && (labels.length === 0 || new Set(labels).size !== labels.length)) {
    throw invalid('--labels must list each class once, one per line.');
  }
  const classOutput = labels ? classOutputFor(outputs, labels) : undefined;
  const sha256 = createHash('sha256').update(options.model).digest('hex');
  const wrapper = { packageName: options.name, sha256, inputs, outputs, ...(labels ? { labels, classOutput: classOutput! } : {}) };
  const operators: Record<string, number> = {};
  for (const op of summary.operators) operators[op.opcode] = (operators[op.opcode] ?? 0) + 1;

  const files: PackageFiles = new Map();
  const shipped = ['index.js', 'index.d.ts', MODEL_FILE, 'manifest.json', 'README.md'];
  files.set('package.json', `${JSON.stringify({
    name: options.name,
    version: options.version,
    description: `TensorFlow Lite model with a typed wrapper for @borde/runtime (packed by borde pack)`,
    type: 'module',
    main: './index.js',
    types: './index.d.ts',
    exports: {
      '.': { types: './index.d.ts', default: './index.js' },
      [`./${MODEL_FILE}`]: `./${MODEL_FILE}`,
      './manifest.json': './manifest.json',
      './package.json': './package.json',
    },
    files: shipped,
    sideEffects: false,
    peerDependencies: { '@borde/runtime': `^${options.runtimeVersion}` },
  }, null, 2)}\n`);
  files.set('index.js', wrapperJs(wrapper));
  files.set('index.d.ts', wrapperDts(wrapper));
  files.set(MODEL_FILE, options.model);
  files.set('manifest.json', `${JSON.stringify({ file: MODEL_FILE, sha256, size: options.model.byteLength, inputs, outputs, ...(labels ? { labels, classOutput } : {}) }, null, 2)}\n`);
  files.set('README.md', modelCard({
    packageName: options.name, version: options.version, sha256, sizeBytes: options.model.byteLength, inputs, outputs, operators,
    ...(labels ? { labels, classOutput: classOutput! } : {}),
    ...(options.report !== undefined ? { report: options.report } : {}),
    ...(options.card !== undefined ? { userCard: options.card } : {}),
    converterVersion: options.converterVersion, modelFileName: MODEL_FILE,
  }));
  return files;
}

/** Writes the package's files into `dir` (created if missing). */
export async function writePackage(dir: string, files: PackageFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, contents] of files) await writeFile(join(dir, name), contents);
}

/** Labels file: one class per line; blank lines and surrounding spaces are ignored. */
export function parseLabels(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}
