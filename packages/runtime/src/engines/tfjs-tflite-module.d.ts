// The flat ESM build of @tensorflow/tfjs-tflite (the one that bundles; its `module` entry does not) ships
// no types of its own. Only what Borde calls is declared.
declare module '@tensorflow/tfjs-tflite/dist/tf-tflite.fesm.js' {
  export interface TfliteTensorInfo {
    name: string;
    /** 'float32' | 'int32' | 'int8' | 'uint8' | 'bool' | ... */
    dataType: string;
    /** Comma-separated dimensions, e.g. '1,128,128,3'. */
    shape: string;
    /** A view of the interpreter's buffer for this tensor. */
    data(): Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array | BigInt64Array;
  }
  export interface TfliteModelRunner {
    getInputs(): TfliteTensorInfo[];
    getOutputs(): TfliteTensorInfo[];
    infer(): boolean;
    cleanUp(): void;
  }
  export interface TFLiteModel {
    readonly modelRunner: TfliteModelRunner;
  }
  export function setWasmPath(path: string): void;
  export function loadTFLiteModel(model: string | ArrayBuffer, options?: { numThreads?: number; enableProfiling?: boolean }): Promise<TFLiteModel>;
}
