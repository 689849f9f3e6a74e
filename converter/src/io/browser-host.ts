// The converter's host in a page: files come from memoryFiles (set by the browser entry), LiteRT is the
// page's wasm instance (its compat build, the one Node runs, so calibration sees the same float values).
import { openLiteRtBrowserModel, type LiteRtCompiledModel } from '@borde/runtime/litert';
import { memoryFiles } from './memory-files.js';
import type { SourceFiles } from './source-files.js';

/** No files until the page hands some over (browser.ts sets them around each conversion). */
export const hostFiles: SourceFiles = memoryFiles({});

export type InterpreterModel = LiteRtCompiledModel;

let assetBase: string | undefined;

/** Where the page serves Borde's engine assets (the runtime's Vite plugin puts them under borde-assets/). */
export function setInterpreterAssets(base: string | undefined): void {
  assetBase = base;
}

export function openHostInterpreter(bytes: Uint8Array): Promise<InterpreterModel> {
  return openLiteRtBrowserModel(bytes, assetBase === undefined ? {} : { assets: assetBase });
}
