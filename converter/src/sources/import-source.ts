import { readFile, stat } from 'node:fs/promises';
import type { Graph } from '@borde/tflite';
import { detectSourceFormat, type SourceFormat } from './detect-format.js';
import { loadTfjsArtifacts } from '../importers/tfjs-artifacts.js';
import { importLayersModel } from '../importers/layers-model.js';
import { importGraphModel } from '../importers/graph-model.js';
import { importTfliteModel } from '../importers/tflite-model.js';
import { importKerasModel } from '../importers/keras/keras-model.js';
import { importSavedModel, readSavedModelFolder } from '../importers/savedmodel/index.js';
import { graphReference, tfjsReference } from './reference-runner.js';
import { liteRtRunner } from '../verify/interpreter.js';
import type { ModelRunner } from '../verify/verify.js';

export interface ImportedSource {
  format: SourceFormat;
  path: string;
  sizeBytes: number;
  /** The source as a float Graph, before optimization. */
  graph: Graph;
  warnings: string[];
  /** The source model run by its own engine (tfjs, or the interpreter for .tflite), if asked for. */
  reference?: { name: string; run: ModelRunner };
  dispose(): void;
}

/** Detects the format, imports the model, and prepares the engine that runs the original for verification. */
export async function importSource(path: string, options: { reference: boolean; signature?: string }): Promise<ImportedSource> {
  const detected = await detectSourceFormat(path);
  if (detected.format === 'savedmodel') {
    const files = await readSavedModelFolder(detected.path);
    const graph = importSavedModel(files, options.signature !== undefined ? { signature: options.signature } : {});
    // No JavaScript engine runs a SavedModel: the reference is the imported float Graph on tfjs.
    const reference = options.reference ? await graphReference(graph) : undefined;
    return {
      ...detected,
      sizeBytes: [...files.values()].reduce((n, b) => n + b.byteLength, 0),
      graph,
      warnings: [],
      ...(reference ? { reference } : {}),
      dispose: () => reference?.dispose(),
    };
  }
  if (detected.format === 'tflite') {
    const bytes = new Uint8Array(await readFile(detected.path));
    const { graph, warnings } = importTfliteModel(bytes);
    return {
      ...detected,
      sizeBytes: bytes.byteLength,
      graph,
      warnings,
      ...(options.reference ? { reference: liteRtRunner(bytes) } : {}),
      dispose: () => {},
    };
  }
  if (detected.format === 'keras' || detected.format === 'keras-h5') {
    const bytes = new Uint8Array(await readFile(detected.path));
    const { graph } = importKerasModel(bytes, { label: detected.path });
    const reference = options.reference ? await graphReference(graph) : undefined;
    return {
      ...detected,
      sizeBytes: bytes.byteLength,
      graph,
      warnings: [],
      ...(reference ? { reference } : {}),
      dispose: () => reference?.dispose(),
    };
  }
  const artifacts = await loadTfjsArtifacts(detected.path);
  const graph = detected.format === 'tfjs-layers' ? importLayersModel(artifacts) : importGraphModel(artifacts);
  const reference = options.reference
    ? await tfjsReference(detected.format, { modelTopology: artifacts.modelJson.modelTopology as object, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData })
    : undefined;
  return {
    ...detected,
    // model.json plus its weight shards, as they sit on disk.
    sizeBytes: (await stat(detected.path)).size + artifacts.weightData.byteLength,
    graph,
    warnings: [],
    ...(reference ? { reference } : {}),
    dispose: () => reference?.dispose(),
  };
}
