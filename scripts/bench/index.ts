// `pnpm bench`: every benchmark, one after the other, each printing its own side-by-side table.
await import('./cli-startup.js');
await import('./convert.js');
await import('./runtime.js');
await import('./examples.js');
await import('./studio.js');
