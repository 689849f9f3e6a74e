/**
 * tfjs' engine is one global object whose "current backend" every op uses. Executors switch it per segment
 * across awaits, so runs are serialized here: this lock guards that shared engine, not Borde state.
 */
let tail: Promise<unknown> = Promise.resolve();

export function withEngine<T>(work: () => Promise<T>): Promise<T> {
  const result = tail.then(work, work);
  tail = result.catch(() => undefined);
  return result;
}
