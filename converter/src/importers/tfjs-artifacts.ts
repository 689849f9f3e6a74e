import * as tf from '@tensorflow/tfjs';
import { InvalidSourceError } from '../errors.js';
import { dirname, isAbsolute, join, normalize, relative } from 'pathe';
import { files } from '../io/files.js';

/** One entry of a model.json weights manifest, as tfjs writes it (quantization included). */
export type TfjsWeightSpec = tf.io.WeightsManifestEntry;

/**
 * A TensorFlow.js model as the importers read it: the parsed model.json (layers-model or graph-model),
 * the weight specs of every manifest group in order, and the weight shards concatenated in that order.
 */
export interface TfjsArtifacts {
  /** The parsed model.json: `modelTopology`, `format`, `weightsManifest`, ... */
  modelJson: TfjsModelJson;
  weightSpecs: TfjsWeightSpec[];
  weightData: ArrayBuffer;
  /**
   * Set when the shards do not hold exactly the bytes the manifest describes. decodeTfjsWeights throws it;
   * the layers importer first looks for a layer whose manifest shape is wrong, the likelier cause to name.
   */
  weightsProblem?: InvalidSourceError;
}

export interface TfjsModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest?: { paths: string[]; weights: TfjsWeightSpec[] }[];
  [key: string]: unknown;
}

/** A decoded weight: float32 after dequantization of uint8/uint16/float16 manifests. */
export interface DecodedWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Reads a tfjs model from disk: `path` is the model.json file or the folder holding it. The weight shards
 * are read from the paths the manifest lists, relative to the model.json. Node only (reads files).
 */
export async function loadTfjsArtifacts(path: string): Promise<TfjsArtifacts> {
  let jsonPath = path;
  try {
    if ((await files().stat(path)).isDirectory()) jsonPath = join(path, 'model.json');
  } catch (cause) {
    throw new InvalidSourceError(`Cannot read the TensorFlow.js model at ${path}: no such file or folder.`, { cause });
  }
  let text: string;
  try {
    text = await files().readText(jsonPath);
  } catch (cause) {
    throw new InvalidSourceError(`Cannot read ${jsonPath}: a tfjs model needs its model.json there.`, { cause });
  }
  let modelJson: TfjsModelJson;
  try {
    modelJson = JSON.parse(text) as TfjsModelJson;
  } catch (cause) {
    throw new InvalidSourceError(`${jsonPath} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (modelJson === null || typeof modelJson !== 'object' || !('modelTopology' in modelJson)) {
    throw new InvalidSourceError(`${jsonPath} has no "modelTopology": it is not a TensorFlow.js model.json.`);
  }
  const manifest = modelJson.weightsManifest ?? [];
  if (!Array.isArray(manifest)) {
    throw new InvalidSourceError(`${jsonPath}: "weightsManifest" must be an array of {paths, weights} groups.`);
  }
  const dir = dirname(jsonPath);
  const shards: Uint8Array[] = [];
  const weightSpecs: TfjsWeightSpec[] = [];
  let weightsProblem: InvalidSourceError | undefined;
  for (const [g, group] of manifest.entries()) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw new InvalidSourceError(`${jsonPath}: every weightsManifest group needs "paths" and "weights" arrays.`);
    }
    checkWeightSpecs(group.weights, jsonPath);
    const groupShards: { path: string; bytes: Uint8Array }[] = [];
    for (const shard of group.paths) {
      const shardPath = confinedShardPath(dir, shard, jsonPath);
      groupShards.push({ path: shard, bytes: await readShard(shard, shardPath, jsonPath) });
    }
    weightsProblem ??= groupSizeProblem(group.weights, groupShards, manifest.length > 1 ? `group ${g + 1} of ${jsonPath}` : jsonPath);
    shards.push(...groupShards.map((s) => s.bytes));
    weightSpecs.push(...group.weights);
  }
  return { modelJson, weightSpecs, weightData: concatBuffers(shards), ...(weightsProblem ? { weightsProblem } : {}) };
}

/**
 * The file a manifest path names, resolved against model.json's folder. A path that leaves that folder
 * (`../../etc/passwd`) or is absolute is refused before anything is opened: a model from elsewhere must
 * not make the converter read files outside it.
 */
function confinedShardPath(
  dir: string,
  shard: unknown,
  jsonPath: string,
): string {
  if (typeof shard !== 'string' || shard === '') {
    throw new InvalidSourceError(`${jsonPath}: weightsManifest paths must be non-empty file names, got ${JSON.stringify(shard)}.`);
  }
  // Joined, not resolved: a page's in-memory files have no working directory to resolve against.
  const resolved = normalize(join(dir, shard));
  const inside = relative(dir, resolved);
  if (isAbsolute(shard) || inside === '..' || inside.startsWith('../') || isAbsolute(inside)) {
    throw new InvalidSourceError(
      `Weight shard path "${shard}" in ${jsonPath} points outside the model's folder (${dir}); ` +
        'shards must be listed relative to model.json and lie in its folder (or below it): copy them there and list them by file name.',
    );
  }
  return resolved;
}

async function readShard(shard: string, shardPath: string, jsonPath: string): Promise<Uint8Array> {
  try {
    return await files().readFile(shardPath);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT'
      ? `is missing (looked for ${shardPath}); copy every shard next to model.json`
      : code === 'EISDIR'
        ? `is a folder, not a file (${shardPath}); the manifest must list the shard files themselves`
        : `cannot be read (${shardPath}): ${(cause as Error).message}`;
    throw new InvalidSourceError(`Weight shard ${shard} listed in ${jsonPath} ${problem}.`, { cause });
  }
}

const WEIGHT_DTYPES = new Set(['float32', 'int32', 'bool']);
const QUANTIZED_DTYPES = new Set(['uint8', 'uint16', 'float16']);

/**
 * Each manifest entry must say what the importers can read: a name, a shape of whole non-negative
 * numbers and a numeric dtype. complex64 and string weights have no TFLite counterpart the importers
 * produce, so they are refused by name instead of failing later as a count of values.
 */
function checkWeightSpecs(specs: unknown[], where: string): void {
  for (const [i, raw] of specs.entries()) {
    const spec = raw as Partial<TfjsWeightSpec> | null;
    const label = typeof spec?.name === 'string' ? `"${spec.name}"` : `#${i}`;
    if (spec === null || typeof spec !== 'object' || typeof spec.name !== 'string') {
      throw new InvalidSourceError(`${where}: weightsManifest entry #${i} has no "name".`);
    }
    if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new InvalidSourceError(`${where}: weight ${label} has shape ${JSON.stringify(spec.shape)}; a shape is an array of whole numbers >= 0, e.g. [3, 3, 16, 32].`);
    }
    if (spec.dtype === 'complex64' || spec.dtype === 'string') {
      throw new InvalidSourceError(`${where}: weight ${label} has dtype ${spec.dtype}, which the converter cannot import ` +
        '(TFLite weights here are float32, int32 or bool, optionally uint8/uint16/float16-quantized); export the model without it.');
    }
    if (!WEIGHT_DTYPES.has(spec.dtype as string)) {
      throw new InvalidSourceError(`${where}: weight ${label} has dtype ${JSON.stringify(spec.dtype)}; tfjs weights are float32, int32 or bool.`);
    }
    const q = spec.quantization;
    if (q !== undefined && !QUANTIZED_DTYPES.has(q?.dtype as string)) {
      throw new InvalidSourceError(`${where}: weight ${label} is quantized as ${JSON.stringify(q?.dtype)}; tfjs quantizes to uint8, uint16 or float16.`);
    }
  }
}

/** Bytes one (checked) manifest entry takes in the shards. */
function specBytes(spec: TfjsWeightSpec): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const size = dtype === 'uint8' || dtype === 'bool' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : 4;
  return spec.shape.reduce((n, d) => n * d, 1) * size;
}

/**
 * The shards of a manifest group must hold exactly the bytes its entries describe. Too few: a shard is
 * truncated or an entry's shape/dtype is too large; too many: a shard is longer than the manifest says
 * (another model's shard, or an entry's shape/dtype too small). Either way decoding would misplace weights.
 */
function groupSizeProblem(specs: TfjsWeightSpec[], shards: { path: string; bytes: Uint8Array }[], where: string): InvalidSourceError | undefined {
  const needed = specs.reduce((n, spec) => n + specBytes(spec), 0);
  const held = shards.reduce((n, s) => n + s.bytes.byteLength, 0);
  if (needed === held) return undefined;
  const files = shards.map((s) => `${s.path}: ${s.bytes.byteLength} B`).join(', ');
  let offset = 0;
  const firstMisfit = specs.find((spec) => (offset += specBytes(spec)) > held);
  return new InvalidSourceError(
    `${where}: the manifest's weights need ${needed} bytes by their shapes and dtypes, but the shards listed hold ${held} (${files}). ` +
      (held < needed
        ? `A shard is truncated, or a weight's shape or dtype in the manifest is wrong (from "${firstMisfit?.name}" on, the weights do not fit).`
        : 'A shard is longer than the manifest says: it belongs to another model, or a weight\'s shape or dtype in the manifest is wrong.') +
      ' Re-export the model, or restore its shards and model.json together.',
  );
}

/**
 * Artifacts from what a tfjs save handler receives (`tf.io.withSaveHandler`), for in-memory models:
 * tests, calibration, and apps that train in the browser.
 */
export function artifactsFromModelArtifacts(saved: tf.io.ModelArtifacts): TfjsArtifacts {
  if (saved.modelTopology === undefined || saved.modelTopology instanceof ArrayBuffer) {
    throw new InvalidSourceError('The saved tfjs model has no JSON modelTopology; save it with tf.io.withSaveHandler.');
  }
  const weightSpecs = saved.weightSpecs ?? [];
  const data = saved.weightData;
  const weightData = data === undefined
    ? new ArrayBuffer(0)
    : Array.isArray(data)
      ? concatBuffers(data.map((b) => new Uint8Array(b)))
      : (data as ArrayBuffer);
  const modelJson: TfjsModelJson = {
    modelTopology: saved.modelTopology,
    format: saved.format,
    generatedBy: saved.generatedBy,
    convertedBy: saved.convertedBy ?? null,
    weightsManifest: [{ paths: [], weights: weightSpecs }],
  };
  return { modelJson, weightSpecs, weightData };
}

/** Serializes an in-memory tfjs LayersModel (or anything with `save`) into artifacts, without touching disk. */
export async function artifactsFromLayersModel(model: {
  save(handler: tf.io.IOHandler): Promise<tf.io.SaveResult>;
}): Promise<TfjsArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === undefined) throw new InvalidSourceError('The tfjs model did not hand its artifacts to the save handler.');
  return artifactsFromModelArtifacts(saved);
}

/**
 * Decodes every weight with tf.io.decodeWeights, which dequantizes uint8/uint16/float16 manifests to float32.
 * Returns them by name, in manifest order.
 */
export function decodeTfjsWeights(artifacts: Pick<TfjsArtifacts, 'weightSpecs' | 'weightData' | 'weightsProblem'>): Map<string, DecodedWeight> {
  if (artifacts.weightsProblem) throw artifacts.weightsProblem;
  checkWeightSpecs(artifacts.weightSpecs, 'the tfjs model');
  const expected = artifacts.weightSpecs.reduce((n, spec) => n + specBytes(spec), 0);
  if (expected !== artifacts.weightData.byteLength) {
    throw new InvalidSourceError(
      `The weight data holds ${artifacts.weightData.byteLength} bytes but the manifest's weights need ${expected}: ` +
        'a shard is missing, truncated or longer than the manifest says, or a weight\'s shape or dtype is wrong.',
    );
  }
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  } catch (cause) {
    throw new InvalidSourceError(`Cannot decode the weights of the tfjs model: ${(cause as Error).message}`, { cause });
  }
  const out = new Map<string, DecodedWeight>();
  for (const spec of artifacts.weightSpecs) {
    const t = tensors[spec.name];
    if (t === undefined) continue;
    out.set(spec.name, {
      name: spec.name,
      shape: t.shape.slice(),
      dtype: t.dtype as DecodedWeight['dtype'],
      values: t.dataSync() as Float32Array | Int32Array | Uint8Array,
    });
  }
  for (const t of Object.values(tensors)) t.dispose();
  return out;
}

/** Zero-filled weights of the manifest's shapes: lets an importer check shapes when the shards cannot be decoded. */
export function placeholderWeights(specs: TfjsWeightSpec[]): Map<string, DecodedWeight> {
  return new Map(specs.map((spec) => {
    const n = spec.shape.reduce((a, d) => a * d, 1);
    const values = spec.dtype === 'int32' ? new Int32Array(n) : spec.dtype === 'bool' ? new Uint8Array(n) : new Float32Array(n);
    return [spec.name, { name: spec.name, shape: spec.shape.slice(), dtype: spec.dtype, values }];
  }));
}

function concatBuffers(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out.buffer;
}
