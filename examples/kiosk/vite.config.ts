import { readFileSync } from 'node:fs';
import { bordeAssets, precacheEntries, type BordeAssetsOptions } from '@borde/runtime/vite';
import { defaultClientConditions, defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { MODEL_PATH } from './src/model-info.js';

// The int8 face detector runs on the official TFLite interpreter (tfjs-tflite), with Borde's tfjs engine on
// tfjs-backend-wasm as the fallback; src/main.ts asks for exactly these. LiteRT's ~9.5 MB builds are not shipped.
const assets: BordeAssetsOptions = { engines: ['tfjs-tflite', 'tfjs-backend-wasm'], threads: false };
// Precached: what a device without crossOriginIsolation can load (no threaded builds: this app sends no
// COOP/COEP). Anything else under borde-assets/ is cached on first use by the runtime rule below.
const engineFiles = precacheEntries(assets);
const precachedEngineFiles = engineFiles.entries.filter((entry) => !/thread/.test(entry.url));

const manifestFile = new URL(`./public/${MODEL_PATH}.sha256.json`, import.meta.url);
const modelSha256 = (JSON.parse(readFileSync(manifestFile, 'utf8')) as { sha256: string }).sha256;

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the monorepo's `borde-source` condition).
  resolve: { conditions: ['borde-source', ...defaultClientConditions] },
  define: { __MODEL_SHA256__: JSON.stringify(modelSha256) },
  plugins: [
    bordeAssets(assets),
    VitePWA({
      registerType: 'autoUpdate',
      includeManifestIcons: false, // the icons are in globPatterns already (no duplicate entries)
      injectRegister: false, // registered in src/main.ts (virtual:pwa-register), which also shows its state
      manifest: {
        name: 'Borde kiosk: faces, on this device',
        short_name: 'Borde kiosk',
        description: 'Face detection and anonymisation on this device, offline. Nothing leaves it.',
        theme_color: '#111827',
        background_color: '#111827',
        display: 'fullscreen',
        orientation: 'any',
        start_url: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // App shell, the model and its manifest; engine files come from the Borde plugin's list.
        globPatterns: ['**/*.{js,css,html,png,tflite,json}'],
        globIgnores: ['borde-assets/**'],
        additionalManifestEntries: precachedEngineFiles,
        // The tfjs-tflite wasm is ~3.6 MB, above workbox's 2 MiB default; the app bundle is ~1.5 MB.
        maximumFileSizeToCacheInBytes: engineFiles.maximumFileSizeToCacheInBytes,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.includes('/borde-assets/'),
            handler: 'CacheFirst',
            options: { cacheName: 'borde-engine-extra' },
          },
        ],
      },
    }),
  ],
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4096 },
  esbuild: { target: 'es2022' },
  preview: { port: 4174, strictPort: true },
});
