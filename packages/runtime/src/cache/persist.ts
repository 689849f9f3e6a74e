/** What the browser says about keeping this origin's data (models included). */
export interface StorageReport {
  /** True when the browser promised not to evict the origin's storage under pressure. */
  persisted: boolean;
  /** Bytes this origin may use, and uses now (navigator.storage.estimate()); undefined where not told. */
  quota: number | undefined;
  usage: number | undefined;
  /** False where navigator.storage is missing (insecure context, old browser): nothing was asked. */
  supported: boolean;
}

/**
 * Asks for persistent storage (navigator.storage.persist()) so cached models survive storage pressure, and
 * reports the answer with the quota. Browsers may grant it silently (installed PWA, engagement) or refuse.
 */
export async function persistStorage(): Promise<StorageReport> {
  const storage = storageManager();
  if (!storage) return { persisted: false, quota: undefined, usage: undefined, supported: false };
  let persisted = false;
  if (typeof storage.persisted === 'function') persisted = await storage.persisted();
  if (!persisted && typeof storage.persist === 'function') persisted = await storage.persist();
  return { persisted, ...(await storageEstimate()), supported: true };
}

/** navigator.storage.estimate(), with undefined where it is not available. */
export async function storageEstimate(): Promise<{ quota: number | undefined; usage: number | undefined }> {
  const storage = storageManager();
  if (!storage || typeof storage.estimate !== 'function') return { quota: undefined, usage: undefined };
  try {
    const { quota, usage } = await storage.estimate();
    return { quota, usage };
  } catch {
    return { quota: undefined, usage: undefined };
  }
}

function storageManager(): StorageManager | undefined {
  return (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
}
