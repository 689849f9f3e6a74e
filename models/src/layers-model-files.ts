import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelArtifactsError } from './errors.js';

/** Name of the single weight shard the recipes write (tfjs-node's file:// handler uses the same). */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * Saves a layers-model as `dir/model.json` + `dir/weights.bin`, the layout tfjs-node's `file://` handler
 * writes, without tfjs-node (it cannot install here). Optimizer state is not saved. Returns the byte
 * sizes written.
 */
export async function saveLayersModelToDir(model: tf.LayersModel, dir: string): Promise<{ modelJsonBytes: number; weightsBytes: number }> {
  await mkdir(dir, { recursive: true });
  let sizes = { modelJsonBytes: 0, weightsBytes: 0 };
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!artifacts.weightSpecs || artifacts.weightData === undefined) {
        throw new ModelArtifactsError(dir, 'tfjs produced no weights to save');
      }
      const weights = new Uint8Array(joinWeightData(artifacts.weightData));
      const manifest: tf.io.WeightsManifestConfig = [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }];
      const modelJson = `${JSON.stringify(modelJsonFor(artifacts, manifest), null, 1)}\n`;
      // Temp files then rename, so an interrupted save never leaves a model.json pointing at bad weights.
      await writeFile(join(dir, `${WEIGHTS_FILE}.tmp`), weights);
      await writeFile(join(dir, 'model.json.tmp'), modelJson);
      await rename(join(dir, `${WEIGHTS_FILE}.tmp`), join(dir, WEIGHTS_FILE));
      await rename(join(dir, 'model.json.tmp'), join(dir, 'model.json'));
      sizes = { modelJsonBytes: Buffer.byteLength(modelJson), weightsBytes: weights.byteLength };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return sizes;
}

/** Reads `dir/model.json` and the weight shards it lists into tfjs model artifacts (no tfjs-node needed). */
export async function readLayersModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const modelJsonPath = join(dir, 'model.json');
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (cause) {
    throw new ModelArtifactsError(modelJsonPath, `cannot read a tfjs model.json (${String(cause)})`);
  }
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new ModelArtifactsError(modelJsonPath, 'is not a tfjs model.json (needs modelTopology and weightsManifest)');
  }
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const shards: ArrayBuffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const path of group.paths) {
        const shardPath = join(dir, path);
        try {
          const bytes = await readFile(shardPath);
          shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        } catch (cause) {
          throw new ModelArtifactsError(shardPath, `weight shard listed in model.json cannot be read (${String(cause)})`);
        }
      }
    }
    return [specs, joinWeightData(shards)];
  });
}

/** Loads a layers-model saved by saveLayersModelToDir (or tfjs-node, or the Keras converter) from a folder. */
export async function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  const artifacts = await readLayersModelArtifacts(dir);
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** The model.json tfjs itself writes (tfjs keeps its own helper for this private). */
function modelJsonFor(artifacts: tf.io.ModelArtifacts, weightsManifest: tf.io.WeightsManifestConfig): tf.io.ModelJSON {
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as {},
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest,
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature) json.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  return json;
}

function joinWeightData(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  const total = data.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of data) {
    joined.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return joined.buffer;
}
