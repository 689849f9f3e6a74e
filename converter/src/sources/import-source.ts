import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { Graph } from '@borde/tflite';
import { detectSourceFormat, type SourceFormat } from './detect-format.js';
import { loadTfjsArtifacts } from '../importers/tfjs-artifacts.js';
import { importLayersModel } from '../importers/layers-model.js';
import { importGraphModel } from '../importers/graph-model.js';
import { importTfliteModel } from '../importers/tflite-model.js';
import { tfjsReference } from './reference-runner.js';
import { onnxReference } from './onnx-reference.js';
import { externalDataLocations, importOnnxModel } from '../importers/onnx/index.js';
import { InvalidSourceError } from '../errors.js';
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

export interface ImportSourceOptions {
  reference: boolean;
  /** Static shapes for inputs with dynamic dimensions, by input name, in the source's layout (NCHW for ONNX). */
  inputShapes?: Record<string, number[]>;
  /** ONNX: keep rank-4 inputs/outputs NCHW (default: NHWC, TFLite's layout). */
  keepNchwIo?: boolean;
}

/** Detects the format, imports the model, and prepares the engine that runs the original for verification. */
export async function importSource(path: string, options: ImportSourceOptions): Promise<ImportedSource> {
  const detected = await detectSourceFormat(path);
  if (detected.format === 'onnx') return importOnnxSource(detected.path, options);
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

/** An .onnx file and the external data files next to it (the ONNX core reads bytes only). */
async function importOnnxSource(path: string, options: ImportSourceOptions): Promise<ImportedSource> {
  const bytes = new Uint8Array(await readFile(path));
  const externalData: Record<string, Uint8Array> = {};
  for (const location of externalDataLocations(bytes)) {
    if (isAbsolute(location) || normalize(location).startsWith('..')) {
      throw new InvalidSourceError(`${path}: external data location '${location}' points outside the model's folder; ONNX requires a relative path beside the model`);
    }
    const file = join(dirname(path), location);
    // A missing file is named by the importer (which tensor needs it); here it is just absent from the map.
    const data = await readFile(file).catch(() => undefined);
    if (data) externalData[location] = new Uint8Array(data);
  }
  const imported = importOnnxModel(bytes, {
    externalData,
    ...(options.inputShapes ? { inputShapes: options.inputShapes } : {}),
    ...(options.keepNchwIo ? { keepNchwIo: true } : {}),
  });
  const layoutNotes = [
    ...imported.inputs.filter((i) => i.perm).map((i) =>
      `input '${i.name}' is NHWC in the written model (ONNX has it NCHW): give calibration and evaluation data as NHWC, or convert with --keep-nchw-io`),
    ...imported.outputs.filter((o) => o.perm).map((o) => `output '${o.name}' is NHWC in the written model (ONNX has it NCHW)`),
  ];
  const reference = options.reference ? await onnxReference(bytes, imported, externalData) : undefined;
  return {
    format: 'onnx',
    path,
    sizeBytes: bytes.byteLength + Object.values(externalData).reduce((a, d) => a + d.byteLength, 0),
    graph: imported.graph,
    warnings: [...imported.warnings, ...layoutNotes],
    ...(reference ? { reference } : {}),
    dispose: () => reference?.dispose(),
  };
}
