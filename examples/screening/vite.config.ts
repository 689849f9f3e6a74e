import { bordeAssets, precacheEntries, type BordeAssetsOptions } from '@borde/runtime/vite';
import { defaultClientConditions, defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The int8 MLP runs in the official TFLite interpreter (tfjs-tflite, ~3.6 MB of wasm) or Borde's tfjs
// engine on its wasm backend; LiteRT's ~9.5 MB builds are not shipped. One thread: no COOP/COEP needed.
const assets: BordeAssetsOptions = { engines: ['tfjs-tflite', 'tfjs-backend-wasm'], threads: false };
// Precached by the service worker: the engine builds a page without crossOriginIsolation loads (no threaded ones).
const engineFiles = precacheEntries(assets);

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the monorepo's `borde-source` condition).
  resolve: { conditions: ['borde-source', ...defaultClientConditions] },
  plugins: [
    bordeAssets(assets),
    // The service worker keeps the page and the engine files, so a reload with no network works. The model is
    // not precached here: the runtime keeps it in its own cache (cache: true), sha256-checked before each use.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false, // registered in src/main.ts, which shows its state
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html}'],
        globIgnores: ['borde-assets/**'],
        additionalManifestEntries: engineFiles.entries.filter((entry) => !/thread/.test(entry.url)),
        maximumFileSizeToCacheInBytes: engineFiles.maximumFileSizeToCacheInBytes,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4096 },
  esbuild: { target: 'es2022' },
});
