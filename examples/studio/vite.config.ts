import { builtinModules } from 'node:module';
import { bordeAssets, precacheEntries, type BordeAssetsOptions } from '@borde/runtime/vite';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The converter calibrates and verifies on LiteRT (its compat build, the one the CLI runs in Node, so the
// page computes the same float ranges and writes the same bytes), and runs tfjs sources on tfjs-backend-wasm.
// One thread: no COOP/COEP needed.
const assets: BordeAssetsOptions = { engines: ['litert', 'tfjs-backend-wasm'], threads: false, precache: { litert: ['compat'] } };
const engineFiles = precacheEntries(assets);

/**
 * The proof that the converter's browser entry reaches no Node builtin: a `node:*` (or bare builtin) import
 * from Borde's own sources fails the build instead of being stubbed out by Vite. Dependencies are left to
 * Vite: some probe for Node behind a guard (seedrandom's optional `require('crypto')`).
 */
function refuseNodeBuiltins(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'borde-refuse-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if ((id.startsWith('node:') || builtins.has(id)) && importer !== undefined && !importer.includes('/node_modules/')) {
        this.error(`${importer} imports the Node builtin '${id}': the studio must run the converter without Node`);
      }
      return null;
    },
  };
}

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the monorepo's `borde-source` condition).
  resolve: { conditions: ['borde-source', ...defaultClientConditions] },
  plugins: [
    refuseNodeBuiltins(),
    bordeAssets(assets),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false, // registered in src/main.ts, which shows its state
      manifest: {
        name: 'Borde studio: convert models on this device',
        short_name: 'Borde studio',
        description: 'Convert and quantize a model to TensorFlow Lite in the browser, offline. Nothing is uploaded.',
        theme_color: '#0f172a',
        background_color: '#0f172a',
        display: 'standalone',
        start_url: '.',
        icons: [],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm}'],
        globIgnores: ['borde-assets/**'],
        additionalManifestEntries: engineFiles.entries,
        // onnxruntime-web's wasm (ONNX sources are verified against it) is ~28 MB.
        maximumFileSizeToCacheInBytes: Math.max(engineFiles.maximumFileSizeToCacheInBytes, 32 * 1024 * 1024),
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 8192 },
  esbuild: { target: 'es2022' },
  preview: { port: 4176, strictPort: true },
});
