import { bordeAssets } from '@borde/runtime/vite';
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the monorepo's `borde-source` condition).
  resolve: { conditions: ['borde-source', ...defaultClientConditions] },
  // The int8 MLP runs in the official TFLite interpreter (tfjs-tflite, ~3.6 MB of wasm) or Borde's tfjs
  // engine on its wasm backend; LiteRT's ~9.5 MB builds are not shipped. One thread: no COOP/COEP needed.
  plugins: [bordeAssets({ engines: ['tfjs-tflite', 'tfjs-backend-wasm'], threads: false })],
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4096 },
  esbuild: { target: 'es2022' },
});
