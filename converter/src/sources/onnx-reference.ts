import { ConverterError } from '../errors.js';
import type { OnnxIoLayout } from '../importers/onnx/index.js';
import { invert, permuteConst } from '../importers/onnx/context.js';
import type { ModelRunner } from '../verify/verify.js';
import type { TensorValue } from '../verify/tensor-value.js';

/** Moves a tensor's axes: result axis i is input axis perm[i]. */
function transposeValue(t: TensorValue, perm: number[]): TensorValue {
  const c = permuteConst({ name: t.name ?? '', dtype: 'float32', shape: [...t.shape], data: t.data as Float32Array }, perm);
  return { ...t, shape: c.shape, data: c.data as Float32Array };
}

/**
 * The source ONNX model run by ONNX Runtime (onnxruntime-web's wasm build, in Node, from its own package
 * files: no network): the reference an ONNX conversion is judged against. Inputs and outputs are exchanged
 * in the written TFLite model's layout (NHWC for image tensors) and transposed to ONNX's here; by name.
 */
export async function onnxReference(
  bytes: Uint8Array,
  io: { inputs: OnnxIoLayout[]; outputs: OnnxIoLayout[] },
  externalData: Record<string, Uint8Array> = {},
): Promise<{ name: string; run: ModelRunner; dispose(): void }> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes, {
    // Errors only: its opset warnings would bury the report, and a model it refuses is an error below.
    logSeverityLevel: 3,
    externalData: Object.entries(externalData).map(([path, data]) => ({ path, data })),
  }).catch((error: unknown) => {
    const why = (error instanceof Error ? error.message : String(error)).replace(/^Can't create a session\. /, '');
    throw new ConverterError(
      'VERIFY_FAILED',
      `ONNX Runtime, the reference this conversion is verified against, cannot run the model (${why}); ` +
        're-export it at a current opset, or convert with --no-verify to write it unverified',
      { cause: error },
    );
  });
  return {
    name: `ONNX Runtime ${ort.env.versions.web ?? ''} (onnxruntime-web, wasm)`.replace('  ', ' '),
    run: async (inputs) => {
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const layout of io.inputs) {
        const value = inputs.find((t) => t.name === layout.name);
        if (!value) throw new Error(`no value for ONNX input '${layout.name}'`);
        const t = layout.perm ? transposeValue(value, invert(layout.perm)) : value;
        feeds[layout.name] = layout.int64
          ? new ort.Tensor('int64', BigInt64Array.from(t.data as Int32Array, (v) => BigInt(v)), [...t.shape])
          : new ort.Tensor(t.dtype === 'int32' ? 'int32' : 'float32', t.data as Float32Array, [...t.shape]);
      }
      const results = await session.run(feeds);
      return io.outputs.map((layout) => {
        const r = results[layout.name]!;
        const data = r.data instanceof BigInt64Array ? Int32Array.from(r.data, Number) : Float32Array.from(r.data as Float32Array);
        const value: TensorValue = { name: layout.name, dtype: data instanceof Int32Array ? 'int32' : 'float32', shape: r.dims.map(Number), data };
        return layout.perm ? transposeValue(value, layout.perm) : value;
      });
    },
    dispose: () => void session.release(),
  };
}
