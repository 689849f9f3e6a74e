// @borde/runtime in a real page, the way an app ships it: page code bundled by esbuild with the runtime
// resolved to its TypeScript sources, and the engines' wasm/js files served from the installed packages
// at the folder layout the runtime expects under its assets base (ENGINE_ASSETS).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ENGINE_ASSETS, type AssetGroup } from '@borde/runtime';
import { packageDir } from './browser.js';

export interface BundleOptions {
  /** Extra folders searched for bare imports (esbuild `nodePaths`), e.g. a package's node_modules. */
  readonly nodePaths?: readonly string[];
}

/** Bundles `entry` (a .ts file path) into one browser ES module, in memory. */
export async function bundleForBrowser(entry: string, options: BundleOptions = {}): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['borde-source'],
    nodePaths: [...(options.nodePaths ?? [])],
    write: false,
    outfile: 'entry.js',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

/**
 * Static-server routes that serve every engine asset group under `base` (e.g. '/app/assets/', the
 * runtime's default `./assets/` next to a bundle served from /app/), from the packages the runtime itself
 * depends on.
 */
export function runtimeAssetRoutes(base: string): Record<string, string> {
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const runtimePackageJson = fileURLToPath(new URL('../../packages/runtime/package.json', import.meta.url));
  const routes: Record<string, string> = {};
  for (const group of Object.keys(ENGINE_ASSETS) as AssetGroup[]) {
    const files = ENGINE_ASSETS[group];
    routes[`${prefix}${files.folder}/`] = join(packageDir(files.package, runtimePackageJson), files.from);
  }
  return routes;
}
