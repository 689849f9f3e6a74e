/**
 * @borde/converter: float models (TensorFlow.js layers/graph models, Keras .keras/.h5, float .tflite) to TensorFlow Lite,
 * float32, float16, dynamic-range int8 or full-integer int8, proven in the official interpreter.
 * The `borde` CLI is a thin layer over `convert`.
 */
export { convert, VERIFY_TOLERANCE } from './convert.js';
export type { ConvertOptions, ConvertReport, ConvertResult, ProgressEvent, QuantizeMode } from './convert.js';
export * from './errors.js';
export { detectSourceFormat, type SourceFormat } from './sources/detect-format.js';
export { importLayersModel } from './importers/layers-model.js';
export { importKerasModel, kerasFormatOf, type KerasFormat, type KerasImport, type ImportKerasOptions } from './importers/keras/keras-model.js';
export { importGraphModel } from './importers/graph-model.js';
export { importTfliteModel } from './importers/tflite-model.js';
export { importSavedModel, readSavedModelFolder, type ImportSavedModelOptions, type SavedModelFiles } from './importers/savedmodel/index.js';
export { importOnnxModel, readOnnxModel, type ImportOnnxOptions, type ImportedOnnx } from './importers/onnx/index.js';
export { loadTfjsArtifacts, artifactsFromLayersModel, artifactsFromModelArtifacts } from './importers/tfjs-artifacts.js';
export { optimize } from './passes/index.js';
export { toFloat16Weights } from './passes/float16-weights.js';
export { calibrate, type CalibrationMethod, type CalibrationResult } from './quantize/calibrate.js';
export { quantizeInt8, type Int8Options, type FloatFallback } from './quantize/quantize-int8.js';
export { quantizeDynamicRange } from './quantize/dynamic-range.js';
export type { QuantizeOptions, QuantizationReport, ModelInput, DataSource } from './quantize/quantize.js';
export { DEFAULT_BUDGET, type QualityBudget, type BudgetVerdict, type BudgetMiss } from './quantize/budget.js';
export type { OutputQuality } from './quantize/output-quality.js';
export type { QuantizedEvaluation, EvaluationSource } from './quantize/evaluate.js';
export type { KeptFloat } from './quantize/mixed-precision.js';
export type { TensorValue } from './verify/tensor-value.js';
