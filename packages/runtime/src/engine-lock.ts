/**
 * tfjs' engine is one global object whose "current backend" every op uses. Loading (backend setup, weight
 * upload), running and freeing all go through this lock, so no two of them switch that backend under each
 * other: it guards that shared engine, not Borde state.
 */
let tail: Promise<unknown> = Promise.resolve();
let pending = 0;

export function withEngine<T>(work: () => Promise<T>): Promise<T> {
  pending++;
  const result = tail.then(work, work);
  const settled = result.then(() => void pending--, () => void pending--);
  tail = settled;
  return result;
}

/**
 * Runs synchronous work now when nothing holds the lock (dispose() frees at once), otherwise after what is
 * queued (a dispose during a run must not free tensors that run still reads).
 */
export function whenEngineIdle(work: () => void): void {
  if (pending === 0) work();
  else void withEngine(async () => work());
}
