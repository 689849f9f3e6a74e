/**
 * Registers the service worker that vite-plugin-pwa generates (dist/sw.js: workbox precache of the page, the
 * model and the engine's wasm) and reports when this screen can start with no network. Registered by hand
 * (injectRegister: false) so the app needs no workbox-window and can show the state.
 */
export type OfflineState = 'unsupported' | 'installing' | 'ready' | 'failed';

export function registerOfflineCopy(onState: (state: OfflineState, detail?: string) => void): void {
  if (!('serviceWorker' in navigator)) {
    onState('unsupported', 'this browser has no service workers');
    return;
  }
  if (import.meta.env.DEV) {
    onState('unsupported', 'dev server: no service worker (build and preview to get one)');
    return;
  }
  onState('installing');
  navigator.serviceWorker
    .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
    .then(() => navigator.serviceWorker.ready)
    // An active worker has finished its install step, i.e. the whole precache is stored.
    .then(() => onState('ready'))
    .catch((error: unknown) => onState('failed', error instanceof Error ? error.message : String(error)));
}
