/**
 * What the device offers, found by asking it (never by user-agent guessing): WebGPU adapter, WebGL2 with
 * float render targets and whether its renderer is software, WebAssembly SIMD / relaxed SIMD, threads.
 * Every probe is bounded in time and releases what it created.
 */

import { importNodeModule } from './node-import.js';

export type Platform = 'browser' | 'worker' | 'node';

export interface GpuProbe {
  available: boolean;
  /** Software renderer (SwiftShader, llvmpipe, WARP...): correct but usually slower than wasm. */
  software: boolean;
  /** Adapter description or renderer string, when the device tells. */
  description: string;
  /** Why it is unavailable, when it is. */
  reason?: string;
  /** Not asked yet (loadModel asks for a WebGPU adapter only when a WebGPU candidate is next to try). */
  deferred?: true;
}

export interface DeviceProbe {
  platform: Platform;
  webgpu: GpuProbe;
  /** WebGL2 with EXT_color_buffer_float (tfjs-webgl needs float render targets). */
  webgl: GpuProbe;
  wasmSimd: boolean;
  wasmRelaxedSimd: boolean;
  /** crossOriginIsolated and SharedArrayBuffer: wasm threads possible. */
  threads: boolean;
  /** Logical cores (navigator.hardwareConcurrency or os.availableParallelism). */
  cores: number;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render|warp|lavapipe/i;

/** Smallest module using a v128 constant (validates only with SIMD). */
const SIMD_MODULE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);
/** Smallest module using i8x16.relaxed_swizzle (validates only with relaxed SIMD). */
const RELAXED_SIMD_MODULE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253,
  128, 2, 11,
]);

export function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string' && typeof (globalThis as { document?: unknown }).document === 'undefined';
}

export function platform(): Platform {
  if (isNodeRuntime()) return 'node';
  return typeof (globalThis as { document?: unknown }).document === 'undefined' ? 'worker' : 'browser';
}

function validates(bytes: Uint8Array): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const NO_GPU = (reason: string): GpuProbe => ({ available: false, software: false, description: '', reason });

interface AdapterInfoLike { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }
interface AdapterLike { info?: AdapterInfoLike; isFallbackAdapter?: boolean; requestAdapterInfo?: () => Promise<AdapterInfoLike> }

/**
 * Asks for a WebGPU adapter. Chromium logs "No available adapters." whenever the answer is none, so callers
 * ask only when WebGPU is wanted (see `probeDevice`'s `webgpu` option).
 */
export async function probeWebGpu(): Promise<GpuProbe> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } }).navigator?.gpu;
  if (!gpu) return NO_GPU('navigator.gpu is absent (WebGPU not enabled in this browser)');
  try {
    const adapter = await withTimeout(gpu.requestAdapter(), 3000, 'navigator.gpu.requestAdapter()');
    if (!adapter) return NO_GPU('navigator.gpu.requestAdapter() returned null (no usable GPU adapter)');
    const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
    const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ').trim();
    const software = Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) || SOFTWARE_RENDERER.test(description);
    return { available: true, software, description: description || 'unknown adapter' };
  } catch (error) {
    return NO_GPU(`requestAdapter failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function probeWebGl(): GpuProbe {
  const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown }; document?: { createElement(tag: string): { getContext(kind: string): unknown } } };
  let canvas: { getContext(kind: string): unknown } | undefined;
  if (g.OffscreenCanvas) canvas = new g.OffscreenCanvas(1, 1);
  else if (g.document) canvas = g.document.createElement('canvas');
  if (!canvas) return NO_GPU('no canvas in this environment');
  type Gl = {
    getExtension(name: string): unknown;
    getParameter(p: number): unknown;
    RENDERER: number;
  };
  let gl: Gl | null = null;
  try {
    gl = canvas.getContext('webgl2') as Gl | null;
  } catch {
    gl = null;
  }
  if (!gl) return NO_GPU('no WebGL2 context');
  try {
    const debug = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    const software = SOFTWARE_RENDERER.test(renderer);
    if (!gl.getExtension('EXT_color_buffer_float')) {
      return { available: false, software, description: renderer, reason: 'WebGL2 lacks EXT_color_buffer_float (no float render targets)' };
    }
    return { available: true, software, description: renderer };
  } finally {
    (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
  }
}

async function cores(): Promise<number> {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof n === 'number' && n > 0) return n;
  if (isNodeRuntime()) {
    const os = await importNodeModule<typeof import('node:os')>('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return 1;
}

/** Placeholder until `probeWebGpu` is asked; never `available`, so nothing ranks on it. */
export const WEBGPU_NOT_PROBED: GpuProbe = {
  ...NO_GPU("not probed: 'auto' asks for a WebGPU adapter only when no better-ranked engine loads (backend 'webgpu' or measure probes it)"),
  deferred: true,
};

/**
 * Probes the device once (about 10-100 ms in a browser, mostly the WebGPU adapter request). `webgpu: false`
 * leaves the adapter request out (`webgpu` is then WEBGPU_NOT_PROBED): a browser without an adapter logs a
 * console warning for each request.
 */
export async function probeDevice(options: { webgpu?: boolean } = {}): Promise<DeviceProbe> {
  const where = platform();
  const node = where === 'node';
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  return {
    platform: where,
    webgpu: node ? NO_GPU('not available in Node') : options.webgpu === false ? { ...WEBGPU_NOT_PROBED } : await probeWebGpu(),
    webgl: node ? NO_GPU('not available in Node') : probeWebGl(),
    wasmSimd: validates(SIMD_MODULE),
    wasmRelaxedSimd: validates(RELAXED_SIMD_MODULE),
    threads: !node && g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function',
    cores: await cores(),
  };
}

/** A short stable key for "this device" (used to remember measured winners). */
export function deviceKey(probe: DeviceProbe): string {
  return [
    probe.platform,
    probe.webgpu.available ? `gpu:${probe.webgpu.description}` : 'gpu:-',
    probe.webgl.available ? `gl:${probe.webgl.description}` : 'gl:-',
    probe.wasmSimd ? 'simd' : 'nosimd',
    probe.wasmRelaxedSimd ? 'rsimd' : '',
    probe.threads ? `threads${probe.cores}` : 'nothreads',
  ].join('|');
}
