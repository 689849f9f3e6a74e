export { importOnnxModel, ONNX_OPSETS, type ImportOnnxOptions, type ImportedOnnx, type OnnxIoLayout } from './import-onnx.js';
export { readOnnxModel, isOnnxModel, externalDataLocations, type OnnxModel } from './read-model.js';
