// Which engine files a build ships, where they come from on disk, and their URLs in the app. Node only.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { ENGINE_ASSETS, type AssetGroup } from '../assets.js';

export type { AssetGroup };

export interface AssetFileSelection {
  /** Asset groups to ship. Default: every group whose package is installed next to @borde/runtime. */
  engines?: readonly AssetGroup[];
  /**
   * Variants listed for a service worker's precache, per group (names from ENGINE_ASSETS[group].variants,
   * e.g. { litert: ['plain', 'compat'] }). Default: every file. All files are copied either way.
   */
  precache?: Partial<Record<AssetGroup, readonly string[]>>;
}

export interface AssetFile {
  group: AssetGroup;
  /** Path under the assets base, e.g. 'litert/litert_wasm_internal.wasm' (the runtime's layout). */
  path: string;
  /** Absolute path on disk, in the installed package. */
  source: string;
  size: number;
  /** Listed for the service worker's precache. */
  precache: boolean;
}

const require = createRequire(import.meta.url);

/** The installed folder of `packageName`, resolved from @borde/runtime (its own dependencies). */
export function installedPackageDir(packageName: string): string | undefined {
  try {
    return dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    try {
      // Packages whose "exports" hide package.json: walk up from the main entry to the package's folder.
      let dir = dirname(require.resolve(packageName));
      const tail = `${sep}${packageName.split('/').join(sep)}`;
      while (!dir.endsWith(tail)) {
        const parent = dirname(dir);
        if (parent === dir) return undefined;
        dir = parent;
      }
      return dir;
    } catch {
      return undefined;
    }
  }
}

/** Every file the selected engines need, checked to exist. */
export function engineAssetFiles(selection: AssetFileSelection = {}): AssetFile[] {
  const explicit = selection.engines !== undefined;
  const groups = selection.engines ?? (Object.keys(ENGINE_ASSETS) as AssetGroup[]);
  const files: AssetFile[] = [];
  for (const group of groups) {
    const spec = ENGINE_ASSETS[group];
    if (!spec) throw new Error(`@borde/runtime/vite: unknown engine asset group "${group}"; known: ${Object.keys(ENGINE_ASSETS).join(', ')}`);
    const dir = installedPackageDir(spec.package);
    if (!dir) {
      if (!explicit) continue; // an engine the app did not install and did not ask for
      throw new Error(`@borde/runtime/vite: engines includes "${group}" but ${spec.package} is not installed; add it to the app's dependencies`);
    }
    const wanted = selection.precache?.[group];
    const precached = wanted ? new Set(wanted.flatMap((variant) => variantFiles(group, variant))) : undefined;
    for (const name of spec.files) {
      const source = join(dir, spec.from, name);
      let size: number;
      try {
        size = statSync(source).size;
      } catch {
        throw new Error(`@borde/runtime/vite: ${spec.package} has no ${spec.from}/${name} (looked at ${source}); reinstall it`);
      }
      files.push({ group, path: `${spec.folder}/${name}`, source, size, precache: precached ? precached.has(name) : true });
    }
  }
  return files;
}

function variantFiles(group: AssetGroup, variant: string): string[] {
  const files = ENGINE_ASSETS[group].variants[variant];
  if (!files) {
    throw new Error(
      `@borde/runtime/vite: precache names variant "${variant}" of "${group}"; known: ${Object.keys(ENGINE_ASSETS[group].variants).join(', ')}`,
    );
  }
  return files;
}

/** Short content hash, the `revision` a workbox precache entry needs so updates are noticed. */
export function fileRevision(source: string): string {
  return createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16);
}
