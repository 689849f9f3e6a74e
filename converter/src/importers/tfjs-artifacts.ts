import * as tf from '@tensorflow/tfjs';
import { InvalidSourceError } from '../errors.js';

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
  const fs = await import('node:fs/promises');
  const nodePath = await import('node:path');
  let jsonPath = path;
  try {
    if ((await fs.stat(path)).isDirectory()) jsonPath = nodePath.join(path, 'model.json');
  } catch (cause) {
    throw new InvalidSourceError(`Cannot read the TensorFlow.js model at ${path}: no such file or folder.`, { cause });
  }
  let text: string;
  try {
    text = await fs.readFile(jsonPath, 'utf8');
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
  const dir = nodePath.dirname(jsonPath);
  const shards: Uint8Array[] = [];
  const weightSpecs: TfjsWeightSpec[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw new InvalidSourceError(`${jsonPath}: every weightsManifest group needs "paths" and "weights" arrays.`);
    }
    for (const shard of group.paths) {
      const shardPath = nodePath.resolve(dir, shard);
      try {
        shards.push(await fs.readFile(shardPath));
      } catch (cause) {
        throw new InvalidSourceError(
          `Weight shard ${shard} listed in ${jsonPath} is missing (looked for ${shardPath}); copy every shard next to model.json.`,
          { cause },
        );
      }
    }
    weightSpecs.push(...group.weights);
  }
  return { modelJson, weightSpecs, weightData: concatBuffers(shards) };
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
export function decodeTfjsWeights(artifacts: Pick<TfjsArtifacts, 'weightSpecs' | 'weightData'>): Map<string, DecodedWeight> {
  const expected = expectedBytes(artifacts.weightSpecs);
  if (expected !== undefined && expected > artifacts.weightData.byteLength) {
    throw new InvalidSourceError(
      `The weight shards hold ${artifacts.weightData.byteLength} bytes but the manifest describes ${expected}: a shard is missing or truncated.`,
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

/** Bytes the manifest needs, or undefined when a spec's size cannot be known up front (strings). */
function expectedBytes(specs: TfjsWeightSpec[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    let n = 1;
    for (const d of spec.shape) n *= d;
    const q = spec.quantization;
    const dtype = q?.dtype ?? spec.dtype;
    const size = dtype === 'uint8' ? 1 : dtype === 'uint16' || dtype === 'float16' ? 2 : dtype === 'bool' ? 1 : dtype === 'string' ? undefined : 4;
    if (size === undefined || spec.group !== undefined) return undefined;
    total += n * size;
  }
  return total;
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
