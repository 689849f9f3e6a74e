/** Lower-case hex sha256 of `bytes`, with Web Crypto (browsers in secure contexts, workers, Node >= 19). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('crypto.subtle is unavailable: serve the app from https:// or http://localhost so the model can be verified');
  }
  const digest = await subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Accepts a sha256 in hex (any case) and returns it lower-cased, or undefined when it is not one. */
export function normalizeSha256(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.trim().toLowerCase();
  return SHA256_HEX.test(hex) ? hex : undefined;
}
