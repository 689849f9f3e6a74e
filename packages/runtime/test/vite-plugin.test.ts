// The Vite plugin without running Vite: which files it ships, what the virtual module says, and the
// precache list for a service worker. The built example (test/browser/screening.test.ts) proves it end to end.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_ASSETS } from '../src/assets.js';
import { bordeAssets, engineAssetFiles, precacheEntries, RUNTIME_BROWSER_DEPENDENCIES, VIRTUAL_MODULE_ID } from '../src/vite/plugin.js';

type Hook = (...args: unknown[]) => unknown;
const call = (plugin: object, hook: string, ...args: unknown[]) => ((plugin as Record<string, Hook>)[hook] as Hook)(...args);

describe('@borde/runtime/vite', () => {
  it('finds every file ENGINE_ASSETS lists in the installed packages', () => {
    const files = engineAssetFiles();
    const expected = Object.values(ENGINE_ASSETS).reduce((n, group) => n + group.files.length, 0);
    expect(files).toHaveLength(expected);
    for (const file of files) expect(file.size, file.path).toBeGreaterThan(1000);
    expect(files.map((f) => f.path)).toContain('litert/litert_wasm_compat_internal.wasm');
  });

  it('the virtual module gives the asset base under Vite base and the precache URLs of the chosen variants', async () => {
    const plugin = bordeAssets({ engines: ['tfjs-tflite'], precache: { 'tfjs-tflite': ['simd'] } });
    call(plugin, 'configResolved', { base: '/kiosk/' });
    const id = call(plugin, 'resolveId', VIRTUAL_MODULE_ID) as string;
    const code = call(plugin, 'load', id) as string;
    const module = await import(`data:text/javascript,${encodeURIComponent(code)}`);
    expect(module.assetBase).toBe('/kiosk/borde-assets/');
    expect(module.assetUrls).toEqual([
      '/kiosk/borde-assets/tfjs-tflite/tflite_web_api_cc_simd.js',
      '/kiosk/borde-assets/tfjs-tflite/tflite_web_api_cc_simd.wasm',
    ]);
    expect(module.threads).toBe(false);
  });

  it('sends COOP/COEP in dev and preview only when threads are asked for', () => {
    expect(call(bordeAssets(), 'config')).not.toHaveProperty('server');
    const config = call(bordeAssets({ threads: true }), 'config') as { server: { headers: Record<string, string> } };
    expect(config.server.headers).toMatchObject({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
  });

  it('configures Vite for @borde/runtime/worker: its client out of the dev optimizer, an es worker format', () => {
    const config = call(bordeAssets(), 'config') as { optimizeDeps: { exclude: string[]; include: string[] }; worker: { format: string } };
    expect(config.optimizeDeps.exclude).toEqual(['@borde/runtime/worker']);
    expect(config.optimizeDeps.include).toEqual(expect.arrayContaining(['@borde/runtime', '@borde/runtime/errors', '@borde/runtime > comlink']));
    expect(config.worker.format).toBe('es');
  });

  it('an app that excludes the runtime from dependency optimization gets its dependencies pre-bundled', () => {
    const other = call(bordeAssets(), 'config', { optimizeDeps: { exclude: ['other'] } }) as { optimizeDeps: { include: string[] } };
    expect(other.optimizeDeps.include).not.toContain('@borde/runtime > @tensorflow/tfjs-core');
    const config = call(bordeAssets(), 'config', { optimizeDeps: { exclude: ['@borde/runtime'] } }) as { optimizeDeps: { include: string[] } };
    expect(config.optimizeDeps.include).toContain('@borde/runtime > @tensorflow/tfjs-core');
    expect(config.optimizeDeps.include).not.toContain('@borde/runtime');
    // Every name is a dependency of the runtime (Vite resolves `a > b` from a's folder).
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of RUNTIME_BROWSER_DEPENDENCIES) {
      expect(Object.keys(manifest.dependencies), name).toContain(name.split('/').slice(0, name.startsWith('@') ? 2 : 1).join('/'));
    }
  });

  it('precache entries carry a content revision and a size limit that fits LiteRT', () => {
    const { entries, maximumFileSizeToCacheInBytes, bytes } = precacheEntries({ engines: ['litert'], precache: { litert: ['compat'] } });
    expect(entries.map((e) => e.url)).toEqual(['borde-assets/litert/litert_wasm_compat_internal.js', 'borde-assets/litert/litert_wasm_compat_internal.wasm']);
    for (const entry of entries) expect(entry.revision).toMatch(/^[0-9a-f]{16}$/);
    expect(maximumFileSizeToCacheInBytes).toBeGreaterThan(5_000_000);
    expect(bytes).toBeGreaterThanOrEqual(maximumFileSizeToCacheInBytes);
  });

  it('names unknown groups and variants', () => {
    expect(() => engineAssetFiles({ engines: ['nope' as never] })).toThrow(/unknown engine asset group "nope"/);
    expect(() => engineAssetFiles({ engines: ['litert'], precache: { litert: ['fast'] } })).toThrow(/variant "fast" of "litert"; known: plain/);
  });
});
