// `tsx scripts/corpus/fetch.ts`: downloads every corpus package with `npm pack` (a tarball from the npm
// registry; nothing is installed and no package script runs) into a cache outside git, and unpacks it.
// Cache: $BORDE_CORPUS_DIR or ~/.cache/borde-corpus. Already unpacked packages are kept.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { CORPUS, type CorpusPackage } from './corpus.js';

export const CACHE_DIR = process.env.BORDE_CORPUS_DIR ?? join(homedir(), '.cache', 'borde-corpus');

/** Folder a package unpacks to, e.g. ~/.cache/borde-corpus/@vladmandic+human@3.3.6. */
export function packageDir(pkg: CorpusPackage): string {
  return join(CACHE_DIR, pkg.spec.replace('/', '+'));
}

/** Downloads and unpacks `pkg` unless it is there; returns its folder. */
export function fetchPackage(pkg: CorpusPackage): string {
  const dir = packageDir(pkg);
  if (existsSync(join(dir, 'package.json'))) return dir;
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const out = execFileSync('npm', ['pack', pkg.spec, '--pack-destination', work, '--json', '--ignore-scripts'], { encoding: 'utf8' });
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  execFileSync('tar', ['xzf', join(work, filename!), '-C', work, '--strip-components=1', '--no-same-owner']);
  rmSync(join(work, filename!));
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return dir;
}

/** The model files of an unpacked package, relative paths sorted. */
export function modelFiles(pkg: CorpusPackage, dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.filter((f) => pkg.models.test(f) && !pkg.skip?.test(f)).sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const pkg of CORPUS) {
    const dir = fetchPackage(pkg);
    console.log(`${pkg.spec}: ${modelFiles(pkg, dir).length} model(s) in ${dir}`);
  }
}
