import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (the `borde-source` export condition),
// so tests never run against a stale build.
const conditions = ['borde-source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['borde-source'] } },
  test: {
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'tflite', include: ['packages/tflite/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'runtime', include: ['packages/runtime/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'converter', include: ['converter/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'] } },
      { extends: true, test: { name: 'examples', include: ['examples/*/test/**/*.test.ts'] } },
      // Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core.
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
