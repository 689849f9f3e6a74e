// The rows of `pnpm bench:runtime`: Borde with each engine/backend, the raw engines, and tfjs on the
// original model; and what one measured row needs (the job handed to a page or a Node process).

export type Platform = 'chromium' | 'node';

export type RowKind =
  | { kind: 'borde'; backend: string }
  | { kind: 'raw-tfjs-tflite' }
  | { kind: 'raw-litert' }
  | { kind: 'tfjs-original' }
  /** Not a model: Borde's default input check (firstNonFinite) over the benchmark input, as run() scans it. */
  | { kind: 'finite-scan' };

export interface RowSpec {
  id: string;
  label: string;
  row: RowKind;
  /** Where the row can run at all; elsewhere the table says why not. */
  platforms: Partial<Record<Platform, true | string>>;
  /** Only for models that have an original tfjs layers model. */
  needsOriginal?: true;
}

const NOT_IN_NODE = 'browser only';

export const ROWS: readonly RowSpec[] = [
  { id: 'auto', label: 'Borde auto', row: { kind: 'borde', backend: 'auto' }, platforms: { chromium: true, node: true } },
  { id: 'tfjs-tflite', label: 'Borde interpreter tfjs-tflite', row: { kind: 'borde', backend: 'tfjs-tflite' }, platforms: { chromium: true, node: NOT_IN_NODE } },
  { id: 'litert-wasm', label: 'Borde interpreter litert-wasm', row: { kind: 'borde', backend: 'litert-wasm' }, platforms: { chromium: true, node: true } },
  { id: 'wasm', label: 'Borde tfjs wasm', row: { kind: 'borde', backend: 'wasm' }, platforms: { chromium: true, node: true } },
  { id: 'webgl', label: 'Borde tfjs webgl', row: { kind: 'borde', backend: 'webgl' }, platforms: { chromium: true, node: NOT_IN_NODE } },
  { id: 'webgpu', label: 'Borde tfjs webgpu', row: { kind: 'borde', backend: 'webgpu' }, platforms: { chromium: true, node: NOT_IN_NODE } },
  { id: 'cpu', label: 'Borde tfjs cpu', row: { kind: 'borde', backend: 'cpu' }, platforms: { chromium: true, node: true } },
  { id: 'raw-tfjs-tflite', label: 'raw tfjs-tflite', row: { kind: 'raw-tfjs-tflite' }, platforms: { chromium: true, node: 'no Node build' } },
  { id: 'raw-litert', label: 'raw @litertjs/core', row: { kind: 'raw-litert' }, platforms: { chromium: true, node: true } },
  {
    id: 'tfjs-original', label: 'tfjs original model (wasm)', row: { kind: 'tfjs-original' },
    platforms: { chromium: true, node: true }, needsOriginal: true,
  },
];

/** Rows whose engine is a raw interpreter: the baseline Borde auto is held against. */
export const RAW_ENGINE_ROWS = ['raw-tfjs-tflite', 'raw-litert'] as const;

export interface InputSpec {
  dtype: string;
  shape: number[];
}

/** Everything one row needs, as plain JSON (it crosses into a page or a child process). */
export interface RowJob {
  row: RowKind;
  /** The .tflite model: URL (page) or file path (Node). */
  model: string;
  /** The original tfjs layers model: model.json URL (page) or its folder (Node). */
  original?: string;
  inputs: InputSpec[];
}
