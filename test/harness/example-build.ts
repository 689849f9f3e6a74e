// Builds an example app (pnpm --filter <name> build) when its dist/ is older than its sources or the runtime's.
// Asynchronous, so a test worker keeps answering vitest while the CLI and Vite work.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNTIME_SRC = fileURLToPath(new URL('../../packages/runtime/src/', import.meta.url));
const SKIPPED = new Set(['node_modules', 'dist', 'public', 'generated']);

/** Newest modification time under the given files/folders (skipping node_modules, dist and generated output). */
function newest(paths: readonly string[]): number {
  let latest = 0;
  const visit = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) {
      for (const name of readdirSync(path)) if (!SKIPPED.has(name)) visit(join(path, name));
    } else latest = Math.max(latest, info.mtimeMs);
  };
  for (const path of paths) if (existsSync(path)) visit(path);
  return latest;
}

export interface ExampleBuild {
  /** The app's folder. */
  app: string;
  /** Its package name, for pnpm --filter. */
  name: string;
  /** Files under dist/ that must exist (the first is compared with the sources' times). */
  outputs: readonly string[];
}

export async function buildExampleIfStale({ app, name, outputs }: ExampleBuild): Promise<void> {
  const dist = join(app, 'dist');
  const sources = ['src', 'scripts', 'calibration', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(app, p));
  const built = outputs.map((o) => join(dist, o));
  if (built.every((p) => existsSync(p)) && statSync(built[0]!).mtimeMs >= newest([...sources, RUNTIME_SRC])) return;
  // NODE_ENV: vitest sets 'test', which would make Vite build a development bundle (no service worker).
  const env = { ...process.env, NODE_ENV: 'production' };
  const child = spawn('pnpm', ['--filter', name, 'build'], { cwd: app, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((done, fail) => child.once('error', fail).once('exit', done));
  if (code !== 0) throw new Error(`building ${name} failed (exit ${code}); run: pnpm --filter ${name} build`);
}
