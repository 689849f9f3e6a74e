import { dirname, isAbsolute, join, normalize } from 'pathe';
import { files } from '../io/files.js';
import type { Graph } from '@borde/tflite';
import { detectSourceFormat, type SourceFormat } from './detect-format.js';
import { loadTfjsArtifacts } from '../importers/tfjs-artifacts.js';
import { importLayersModel } from '../importers/layers-model.js';
import { graphModelOutputs, importGraphModel } from '../importers/graph-model.js';
import { ConverterError, InvalidSourceError } from '../errors.js';
import { importTfliteModel } from '../importers/tflite-model.js';
import { importKerasModel } from '../importers/keras/keras-model.js';
import { importSavedModel, readSavedModelFolder } from '../importers/savedmodel/index.js';
import { graphReference, lazyReference, tfjsReference, tfjsReferenceOn } from './reference-runner.js';
import { onnxReference } from './onnx-reference.js';
import { externalDataLocations, importOnnxModel } from '../importers/onnx/index.js';
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
  /**
   * A second float32 engine of the source (tfjs cpu beside the reference on wasm), built on first use: verification
   * consults it only for an output that misses the tolerance, to measure that output's float32 noise.
   */
  secondReference?: { name: string; run: ModelRunner };
  dispose(): void;
}

/** How to read the source: which tensors are its inputs and outputs, and the shapes of dynamic inputs. */
export interface ImportSourceOptions {
  /** Prepare the source's own engine to verify the conversion against. */
  reference: boolean;
  /** Static shapes (batch included) for inputs with unknown dimensions, by input name (--input-shape), in the source's layout (NCHW for ONNX). */
  inputShapes?: Record<string, number[]>;
  /** [height, width] for the unknown spatial dimensions of image inputs (--input-size). */
  imageSize?: [number, number];
  /** Graph models: node outputs to export, cutting the graph after them (--outputs). */
  outputs?: string[];
  /** Graph models: node outputs that become the inputs, cutting the graph before them (--inputs). */
  inputs?: string[];
  /** SavedModels: the signature to convert (--signature; default `serving_default`). */
  signature?: string;
  /** ONNX: keep rank-4 inputs/outputs NCHW (default: NHWC, TFLite's layout). */
  keepNchwIo?: boolean;
}

/** Detects the format, imports the model, and prepares the engine that runs the original for verification. */
export async function importSource(path: string, options: ImportSourceOptions): Promise<ImportedSource> {
  const { bytes: detectedBytes, ...detected } = await detectSourceFormat(path);
  const fileBytes = async (): Promise<Uint8Array> => detectedBytes ?? await files().readFile(detected.path);
  if (detected.format !== 'tfjs-graph' && (options.outputs?.length || options.inputs?.length)) {
    throw new ConverterError('INVALID_OPTIONS', `--outputs and --inputs cut TensorFlow.js graph models; ${path} is a ${detected.format} model`);
  }
  if (detected.format !== 'savedmodel' && options.signature !== undefined) {
    throw new ConverterError('INVALID_OPTIONS', `--signature picks a SavedModel signature; ${path} is a ${detected.format} model`);
  }
  if (detected.format !== 'onnx' && options.keepNchwIo) {
    throw new ConverterError('INVALID_OPTIONS', `--keep-nchw-io keeps an ONNX model's NCHW inputs; ${path} is a ${detected.format} model`);
  }
  if (detected.format === 'savedmodel') {
    const files = await readSavedModelFolder(detected.path);
    const graph = importSavedModel(files, {
      ...(options.signature !== undefined ? { signature: options.signature } : {}),
      ...(options.inputShapes ? { inputShapes: options.inputShapes } : {}),
    });
    const sizeBytes = [...files.values()].reduce((n, b) => n + b.byteLength, 0);
    return withGraphReference(detected, graph, sizeBytes, options.reference);
  }
  if (detected.format === 'onnx') return importOnnxSource(detected.path, await fileBytes(), options);
  if (detected.format === 'tflite') {
    if (options.inputShapes && Object.keys(options.inputShapes).length > 0) {
      throw new ConverterError('INVALID_OPTIONS', `--input-shape pins a source's dynamic input shapes; ${path} is a .tflite file, whose shapes are fixed`);
    }
    const bytes = await fileBytes();
    const { graph, warnings } = importTfliteModel(bytes);
    // The interpreter that judges is closed with the source, like every other reference.
    return withReferences({ ...detected, sizeBytes: bytes.byteLength, graph, warnings }, options.reference ? liteRtRunner(bytes) : undefined, undefined);
  }
  if (detected.format === 'keras' || detected.format === 'keras-h5') {
    const bytes = await fileBytes();
    const { graph } = importKerasModel(bytes, {
      label: detected.path,
      ...(options.inputShapes ? { inputShapes: withoutBatch(options.inputShapes)! } : {}),
      ...(options.imageSize ? { imageSize: options.imageSize } : {}),
    });
    return withGraphReference(detected, graph, bytes.byteLength, options.reference);
  }
  const artifacts = await loadTfjsArtifacts(detected.path);
  const imageSize = options.imageSize ? { imageSize: options.imageSize } : {};
  const graph = detected.format === 'tfjs-layers'
    ? importLayersModel(artifacts, { inputShapes: withoutBatch(options.inputShapes), ...imageSize })
    : importGraphModel(artifacts, {
      ...(options.inputShapes ? { inputShapes: options.inputShapes } : {}),
      ...(options.outputs?.length ? { outputs: options.outputs } : {}),
      ...(options.inputs?.length ? { inputs: options.inputs } : {}),
      ...imageSize,
    });
  const { modelTopology, signature } = artifacts.modelJson as { modelTopology: object; signature?: object };
  const tfjsArtifacts = { modelTopology, ...(signature ? { signature } : {}), weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData };
  const outputs = detected.format === 'tfjs-graph' ? { outputs: graphModelOutputs(artifacts, options) } : undefined;
  const reference = options.reference ? await tfjsReference(detected.format, tfjsArtifacts, outputs) : undefined;
  const secondReference = options.reference ? tfjsReferenceOn('cpu', detected.format, tfjsArtifacts, outputs) : undefined;
  // model.json plus its weight shards, as they sit on disk.
  const sizeBytes = (await files().stat(detected.path)).size + artifacts.weightData.byteLength;
  return withReferences({ ...detected, sizeBytes, graph, warnings: [] }, reference, secondReference);
}

/** Layers models take input shapes without the batch; --input-shape gives it (1, or -1). */
function withoutBatch(shapes: Record<string, number[]> | undefined): Record<string, number[]> | undefined {
  if (!shapes) return undefined;
  return Object.fromEntries(Object.entries(shapes).map(([name, shape]) => {
    if (shape.length < 2 || (shape[0] !== 1 && shape[0] !== -1)) {
      throw new ConverterError('INVALID_OPTIONS', `--input-shape ${name}:${shape.join(',')}: give the batch first, as 1 (e.g. ${name}:1,224,224,3)`);
    }
    return [name, shape.slice(1)];
  }));
}

/**
 * Sources no JavaScript engine runs as they are (Keras files, SavedModels): the reference is the imported
 * float Graph on Borde's tfjs engine.
 */
async function withGraphReference(
  detected: { format: SourceFormat; path: string },
  graph: Graph,
  sizeBytes: number,
  wantReference: boolean,
): Promise<ImportedSource> {
  const reference = wantReference ? await graphReference(graph) : undefined;
  const secondReference = wantReference ? lazyReference('Borde tfjs engine (cpu) on the imported float graph', () => graphReference(graph, 'cpu')) : undefined;
  return withReferences({ ...detected, sizeBytes, graph, warnings: [] }, reference, secondReference);
}

type Reference = { name: string; run: ModelRunner; dispose(): void };

/** An imported source with the engines it is verified against, which its dispose() frees. */
function withReferences(
  imported: Omit<ImportedSource, 'reference' | 'secondReference' | 'dispose'>,
  reference: Reference | undefined,
  secondReference: Reference | undefined,
): ImportedSource {
  return {
    ...imported,
    ...(reference ? { reference } : {}),
    ...(secondReference ? { secondReference } : {}),
    dispose: () => {
      reference?.dispose();
      secondReference?.dispose();
    },
  };
}

/** An .onnx file and the external data files next to it (the ONNX core reads bytes only). */
async function importOnnxSource(path: string, bytes: Uint8Array, options: ImportSourceOptions): Promise<ImportedSource> {
  const externalData: Record<string, Uint8Array> = {};
  for (const location of externalDataLocations(bytes)) {
    if (isAbsolute(location) || normalize(location).startsWith('..')) {
      throw new InvalidSourceError(`${path}: external data location '${location}' points outside the model's folder; ONNX requires a relative path beside the model`);
    }
    const file = join(dirname(path), location);
    // A missing file is named by the importer (which tensor needs it); here it is just absent from the map.
    const data = await files().readFile(file).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT') return undefined;
      const problem = cause.code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read: ${cause.message}`;
      throw new InvalidSourceError(`${path}: external data file '${location}' (${file}) ${problem}`, { cause });
    });
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
  return withReferences({
    format: 'onnx',
    path,
    sizeBytes: bytes.byteLength + Object.values(externalData).reduce((a, d) => a + d.byteLength, 0),
    graph: imported.graph,
    warnings: [...imported.warnings, ...layoutNotes],
  }, reference, undefined);
}
