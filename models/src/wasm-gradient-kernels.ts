import * as tf from '@tensorflow/tfjs';
import { ModelsError } from './errors.js';

/**
 * tfjs-backend-wasm 4.22 runs convolutions forward (XNNPACK) but registers no kernel for three gradients
 * that training a depthwise-separable CNN needs. These are plain typed-array implementations of them
 * (NHWC, float32), registered on the wasm backend, so training can use wasm for everything else: on this
 * project's machines that is far faster than the cpu backend, whose own backprop-filter kernels index
 * element by element (measured in models/fashion-mnist/README.md).
 */
export const WASM_GRADIENT_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/** The part of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmBackendLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
  disposeData(dataId: object): boolean;
}

type Shape4 = [number, number, number, number];
type Strides = [number, number] | number;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

let registeredOnce = false;

/**
 * Registers the missing gradient kernels on 'wasm', and routes the 1x1 case of wasm's own (naive)
 * Conv2DBackpropInput through its XNNPACK matrix multiply, 10x faster here. Idempotent.
 */
export function registerWasmGradientKernels(): void {
  if (registeredOnce) return;
  registeredOnce = true;
  const registered = new Set(tf.getKernelsForBackend('wasm').map((kernel) => kernel.kernelName));
  const builtinBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (builtinBackpropInput) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    registered.delete('Conv2DBackpropInput');
    tf.registerKernel({
      kernelName: 'Conv2DBackpropInput',
      backendName: 'wasm',
      // Keeps the builtin's setup (it binds the wasm export) for the cases it still handles.
      ...(builtinBackpropInput.setupFunc ? { setupFunc: builtinBackpropInput.setupFunc } : {}),
      kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) =>
        conv2dBackpropInputPointwise(args as unknown as Parameters<typeof conv2dBackpropInputPointwise>[0]) ??
        builtinBackpropInput.kernelFunc(args)) as tf.KernelFunc,
    });
  }
  const kernels: tf.KernelConfig[] = [
    { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      backendName: 'wasm',
      kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc,
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      backendName: 'wasm',
      kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc,
    },
  ];
  for (const kernel of kernels) if (!registered.has(kernel.kernelName)) tf.registerKernel(kernel);
}

function float32(backend: WasmBackendLike, info: tf.TensorInfo, kernel: string): Float32Array {
  if (info.dtype !== 'float32') throw new ModelsError(`${kernel}: only float32 is implemented, got ${info.dtype}`);
  return backend.readSync(info.dataId) as Float32Array;
}

/** A zero-filled float32 output in the wasm heap. makeOutput may grow the heap, so inputs are read after it. */
function zeroOutput(backend: WasmBackendLike, shape: number[]): { info: tf.TensorInfo; values: Float32Array } {
  const info = backend.makeOutput(shape, 'float32');
  const values = backend.typedArrayFromHeap(info) as Float32Array;
  values.fill(0);
  return { info, values };
}

/** Calls another registered wasm kernel (they take TensorInfos, so a reshape is just a new shape on the same data). */
function runWasmKernel(name: string, backend: WasmBackendLike, inputs: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap): tf.TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new ModelsError(`wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, attrs, backend: backend as unknown as tf.KernelBackend }) as tf.TensorInfo;
}

/** a [m, k] x b [k, n] with XNNPACK, transposing `a` first when `transposeA` (XNNPACK's fast path has none). */
function matMul(backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, outShape: number[]): tf.TensorInfo {
  const left = transposeA ? runWasmKernel('Transpose', backend, { x: a }, { perm: [1, 0] }) : a;
  const right = transposeB ? runWasmKernel('Transpose', backend, { x: b }, { perm: [1, 0] }) : b;
  const out = runWasmKernel('BatchMatMul', backend, { a: left, b: right }, { transposeA: false, transposeB: false });
  if (transposeA) backend.disposeData(left.dataId);
  if (transposeB) backend.disposeData(right.dataId);
  return { ...out, shape: outShape };
}

function isPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0
  );
}

/** dx = dy [P, Cout] x W^T [Cout, Cin] for 1x1 stride-1 NHWC convolutions; undefined for every other case. */
function conv2dBackpropInputPointwise(args: {
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  attrs: { strides: Strides; pad: Pad; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: Shape4 };
  backend: WasmBackendLike;
}): tf.TensorInfo | undefined {
  const { inputs, attrs, backend } = args;
  if (attrs.dataFormat !== 'NHWC' || inputs.dy.dtype !== 'float32') return undefined;
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, inputs.filter.shape as Shape4, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  if (!isPointwise(info)) return undefined;
  const pixels = info.batchSize * info.outHeight * info.outWidth;
  const dy = { ...inputs.dy, shape: [pixels, info.outChannels] };
  const w = { ...inputs.filter, shape: [info.inChannels, info.outChannels] };
  return matMul(backend, dy, w, false, true, [...attrs.inputShape]);
}

function conv2dBackpropFilter(args: {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  attrs: { strides: Strides; pad: Pad; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: Shape4 };
  backend: WasmBackendLike;
}): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  if (attrs.dataFormat !== 'NHWC') throw new ModelsError('Conv2DBackpropFilter (wasm): only NHWC is implemented');
  const info = tf.backend_util.computeConv2DInfo(inputs.x.shape as Shape4, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  if (isPointwise(info) && inputs.x.dtype === 'float32') {
    // dW = x^T [Cin, P] x dy [P, Cout]
    const pixels = info.batchSize * info.outHeight * info.outWidth;
    const x = { ...inputs.x, shape: [pixels, info.inChannels] };
    const dy = { ...inputs.dy, shape: [pixels, info.outChannels] };
    return matMul(backend, x, dy, true, false, [...attrs.filterShape]);
  }
  const out = zeroOutput(backend, attrs.filterShape);
  const x = float32(backend, inputs.x, 'Conv2DBackpropFilter');
  const dy = float32(backend, inputs.dy, 'Conv2DBackpropFilter');
  const dw = backend.typedArrayFromHeap(out.info) as Float32Array;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight - top + kh * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth - left + kw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const dwBase = (kh * filterWidth + kw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci++) {
              const xv = x[xOffset + ci]!;
              if (xv === 0) continue; // post-ReLU inputs are often zero
              const dwOffset = dwBase + ci * outChannels;
              for (let co = 0; co < outChannels; co++) dw[dwOffset + co]! += xv * dy[dyOffset + co]!;
            }
          }
        }
      }
    }
  }
  return out.info;
}

function depthwiseBackpropFilter(args: {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  attrs: { strides: Strides; dilations: Strides; pad: Pad; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: Shape4 };
  backend: WasmBackendLike;
}): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const info = tf.backend_util.computeConv2DInfo(
    inputs.x.shape as Shape4,
    attrs.filterShape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const out = zeroOutput(backend, attrs.filterShape);
  const x = float32(backend, inputs.x, 'DepthwiseConv2dNativeBackpropFilter');
  const dy = float32(backend, inputs.dy, 'DepthwiseConv2dNativeBackpropFilter');
  const dw = backend.typedArrayFromHeap(out.info) as Float32Array;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const multiplier = outChannels / inChannels;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight - top + kh * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth - left + kw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const dwOffset = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < outChannels; c++) dw[dwOffset + c]! += x[xOffset + c]! * dy[dyOffset + c]!;
            } else {
              for (let c = 0; c < outChannels; c++) {
                dw[dwOffset + c]! += x[xOffset + Math.floor(c / multiplier)]! * dy[dyOffset + c]!;
              }
            }
          }
        }
      }
    }
  }
  return out.info;
}

function depthwiseBackpropInput(args: {
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo };
  attrs: { strides: Strides; dilations: Strides; pad: Pad; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: Shape4 };
  backend: WasmBackendLike;
}): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    inputs.filter.shape as Shape4,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const out = zeroOutput(backend, attrs.inputShape);
  const dy = float32(backend, inputs.dy, 'DepthwiseConv2dNativeBackpropInput');
  const w = float32(backend, inputs.filter, 'DepthwiseConv2dNativeBackpropInput');
  const dx = backend.typedArrayFromHeap(out.info) as Float32Array;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const multiplier = outChannels / inChannels;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight - top + kh * dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth - left + kw * dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const dxOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wOffset = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < outChannels; c++) dx[dxOffset + c]! += dy[dyOffset + c]! * w[wOffset + c]!;
            } else {
              for (let c = 0; c < outChannels; c++) {
                dx[dxOffset + Math.floor(c / multiplier)]! += dy[dyOffset + c]! * w[wOffset + c]!;
              }
            }
          }
        }
      }
    }
  }
  return out.info;
}
