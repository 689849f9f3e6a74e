export { fetchModel, fetchModelDetailed, deleteCachedModel } from './fetch-model.js';
export type { FetchModelOptions, FetchedModel, HashSource, DownloadProgress } from './fetch-model.js';
export { createModelManifest, manifestUrlFor } from './manifest.js';
export type { ModelManifest } from './manifest.js';
export { persistStorage, storageEstimate } from './persist.js';
export type { StorageReport } from './persist.js';
export { sha256Hex } from './sha256.js';
export { DEFAULT_MODEL_CACHE } from './store.js';
export type { ModelCacheOption } from './cached-source.js';
