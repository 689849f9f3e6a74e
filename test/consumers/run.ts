// `pnpm test:consumers`: the packages as users get them. Builds and `pnpm pack`s @borde/tflite,
// @borde/runtime and @borde/converter, installs the tarballs with npm into fresh projects outside the
// workspace (one shared npm cache), and proves: the `borde` CLI converts a real model; plain Node runs it
// from ES modules and CommonJS; Vite 7 and 8 (dev server and production build) and webpack 5 (production
// build) serve an app that loads it in one Chromium, printing engine, placement and output, with no
// request off the origin and no console error. Exits 1 when any check fails; prints a table with timings.
//
// Options: --keep (leave the work folder), --no-build (use the packages' current dist/),
// --only=<substring> (checks whose name contains it; the CLI and Node checks always run, they make the model).
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startStaticServer } from '../harness/browser.js';
import { launchChromium, openApp, type PageResult } from './browser.js';
import { packageContentProblems } from './package-contents.js';
import { packedModelChecks } from './packed-model.js';
import { runCommand, startServer } from './processes.js';
import { PROJECTS, writeProject, type ConsumerProject, type Tarball } from './projects.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const work = join(process.env.BORDE_CONSUMERS_DIR ?? tmpdir(), `borde-consumers-${process.pid}`);

const PACKAGE_DIRS: Record<Tarball, string> = { tflite: 'packages/tflite', runtime: 'packages/runtime', converter: 'converter' };
/** The model every check runs: the tutorial MLP, converted by the packed CLI. */
const SOURCE_MODEL = join(root, 'models/breast-cancer/tfjs/model.json');
/** Browser engines may differ from LiteRT in Node by float rounding only. */
const OUTPUT_TOLERANCE = 1e-5;

interface CheckRow {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}
const rows: CheckRow[] = [];

async function check(name: string, body: () => Promise<string>): Promise<boolean> {
  const started = performance.now();
  try {
    const detail = await body();
    rows.push({ name, ok: true, ms: performance.now() - started, detail });
    console.log(`- ${name}: ok (${seconds(performance.now() - started)}) ${detail}`);
    return true;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    rows.push({ name, ok: false, ms: performance.now() - started, detail: detail.split('\n')[0]! });
    console.log(`- ${name}: FAILED (${seconds(performance.now() - started)})\n${detail}`);
    return false;
  }
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface NodeResult {
  engine: string;
  backend: string;
  placement: string[];
  output: { name: string; data: number[] };
  inputError?: string;
}

/**
 * Console output a page may show, each with its reason; anything else fails the check. Shrink this list,
 * never grow it without a reason a user would accept.
 */
const KNOWN_NOISE: readonly { warning: RegExp; why: string }[] = [
  { warning: /^INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.$/, why: "tfjs-tflite's interpreter logs it on every model load" },
];

/** The page's result against the Node reference: same output name, values within OUTPUT_TOLERANCE. */
function judgePage(page: PageResult, reference: NodeResult): string {
  const result = page.result as unknown as NodeResult & { progressTotal: number | null };
  assert(page.outsideRequests.length === 0, `requests left the origin: ${page.outsideRequests.join(', ')}`);
  assert(page.failedRequests.length === 0, `failed requests: ${page.failedRequests.join(', ')}`);
  assert(page.errors.length === 0, `console errors:\n  ${page.errors.join('\n  ')}`);
  assert(result.output.name === reference.output.name, `output ${result.output.name}, Node printed ${reference.output.name}`);
  const worst = Math.max(...result.output.data.map((v, i) => Math.abs(v - reference.output.data[i]!)));
  assert(result.output.data.length === reference.output.data.length && worst <= OUTPUT_TOLERANCE,
    `output [${result.output.data.join(', ')}] differs from Node's [${reference.output.data.join(', ')}] (tolerance ${OUTPUT_TOLERANCE})`);
  assert(result.inputError === 'InputError INPUT', `a wrong input gave ${result.inputError} (the class name must survive minification)`);
  const warnings = page.warnings.filter((w) => !KNOWN_NOISE.some((k) => k.warning.test(w)));
  assert(warnings.length === 0, `console warnings:\n  ${warnings.join('\n  ')}`);
  return `${result.engine}/${result.backend}, ${result.placement.length} ops on ${[...new Set(result.placement.map((p) => p.split('@')[1]))].join(',')}, ` +
    `${result.output.name} = ${result.output.data.map((v) => v.toPrecision(4)).join(', ')}, first result ${seconds(page.ms)}`;
}

async function packTarballs(): Promise<Record<Tarball, string>> {
  const dir = join(work, 'tarballs');
  mkdirSync(dir, { recursive: true });
  const tarballs = {} as Record<Tarball, string>;
  for (const [name, packageDir] of Object.entries(PACKAGE_DIRS) as [Tarball, string][]) {
    await runCommand('pnpm', ['pack', '--pack-destination', dir], { cwd: join(root, packageDir) });
    const file = readdirSync(dir).find((f) => f.startsWith(`borde-${name}-`) && f.endsWith('.tgz'));
    assert(file, `pnpm pack wrote no borde-${name}-*.tgz in ${dir}`);
    tarballs[name] = join(dir, file);
  }
  return tarballs;
}

/**
 * npm install in a project. The one known peer conflict (tfjs-tflite 0.0.1-alpha.10, its last release,
 * declares tfjs-core 4.9.0 exactly; it runs on 4.22, see packages/runtime/README.md) is allowed; any other
 * ERESOLVE is a failure.
 */
async function install(dir: string): Promise<string> {
  const { stderr, ms } = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeoutMs: 600_000 });
  const conflicts = [...stderr.matchAll(/peer (\S+) from (\S+)/g)].map((m) => `${m[2]} wants ${m[1]}`);
  const unexpected = conflicts.filter((c) => !c.startsWith('@tensorflow/tfjs-tflite@0.0.1-alpha.10 wants @tensorflow/tfjs-core@'));
  assert(unexpected.length === 0, `unexpected peer-dependency conflicts: ${unexpected.join('; ')}`);
  return `${seconds(ms)}${conflicts.length ? ' (known peer warning: tfjs-tflite wants tfjs-core 4.9.0)' : ''}`;
}

async function browserChecks(browser: Browser, project: ConsumerProject, dir: string, reference: NodeResult): Promise<void> {
  const vite = ['node', join(dir, 'node_modules/vite/bin/vite.js')] as const;
  if (project.name.startsWith('vite')) {
    const devServer = async (env: NodeJS.ProcessEnv) => {
      const port = await freePort();
      const server = await startServer(vite[0], [vite[1], '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--force'], dir,
        `http://127.0.0.1:${port}/`, env);
      try {
        return judgePage(await openApp(browser, server.url), reference);
      } finally {
        await server.stop();
      }
    };
    if (!only || `${project.name} dev`.includes(only)) {
      await check(`${project.name} dev server`, () => devServer(process.env));
    }
    if (project.name === 'vite8' && (!only || `${project.name} dev exclude`.includes(only))) {
      await check(`${project.name} dev server, optimizeDeps.exclude @borde/runtime`, () => devServer({ ...process.env, BORDE_EXCLUDE_RUNTIME: '1' }));
    }
    if (!only || `${project.name} build`.includes(only)) {
      await check(`${project.name} production build`, async () => {
        const built = await runCommand(vite[0], [vite[1], 'build'], { cwd: dir });
        return `built in ${seconds(built.ms)}; ${await serveAndJudge(browser, join(dir, 'dist'), reference)}`;
      });
    }
  } else if (project.name.startsWith('webpack')) {
    if (!only || `${project.name} build`.includes(only)) {
      await check(`${project.name} production build`, async () => {
        const built = await runCommand('node', [join(dir, 'node_modules/webpack-cli/bin/cli.js'), '--config', 'webpack.config.mjs'], { cwd: dir });
        return `built in ${seconds(built.ms)}; ${await serveAndJudge(browser, join(dir, 'dist'), reference)}`;
      });
    }
  }
}

/** Serves a production build with a plain static server (not the bundler's) and opens it. */
async function serveAndJudge(browser: Browser, dist: string, reference: NodeResult): Promise<string> {
  const server = await startStaticServer({ routes: { '/': dist } });
  try {
    return judgePage(await openApp(browser, `${server.origin}/`), reference);
  } finally {
    await server.close();
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  console.log(`Consumer checks in ${work}`);
  let tarballs: Record<Tarball, string> | undefined;
  if (!args.includes('--no-build')) await check('build the packages', async () => `${seconds((await runCommand('pnpm', ['build'], { cwd: root })).ms)}`);
  await check('pnpm pack tflite, runtime, converter', async () => {
    tarballs = await packTarballs();
    return Object.values(tarballs).map((t) => t.slice(work.length + 1)).join(', ');
  });
  if (!tarballs) return 1;

  const dirs = new Map(PROJECTS.map((p) => [p.name, join(work, p.name)]));
  for (const project of PROJECTS) writeProject(project, dirs.get(project.name)!, fixtures, tarballs);
  // Installs run side by side: they wait on the registry and the disk more than on the CPU.
  const installed = await Promise.all(PROJECTS.map(async (project) => ({
    project,
    ok: await check(`npm install (${project.name}: ${[...project.tarballs.map((t) => `@borde/${t}`), ...Object.entries(project.registry).map(([n, v]) => `${n}@${v}`)].join(' ')})`,
      () => install(dirs.get(project.name)!)),
  })));

  const nodeDir = dirs.get('node')!;
  await check('installed packages carry LICENSE, NOTICE, README links and source-map sources', async () => {
    const problems = (Object.keys(PACKAGE_DIRS) as Tarball[]).flatMap((name) =>
      packageContentProblems(join(nodeDir, 'node_modules/@borde', name)).map((p) => `@borde/${name}: ${p}`));
    assert(problems.length === 0, problems.join('\n'));
    return Object.keys(PACKAGE_DIRS).map((n) => `@borde/${n}`).join(', ');
  });
  const model = join(work, 'model.tflite');
  const borde = join(nodeDir, 'node_modules/.bin/borde');
  await check('borde --help (packed converter)', async () => {
    const { stdout } = await runCommand(borde, ['--help'], { cwd: nodeDir });
    assert(/convert/.test(stdout) && /inspect/.test(stdout), `help lists no convert/inspect:\n${stdout}`);
    return 'lists convert, inspect';
  });
  await check('borde convert (tfjs layers model -> float32, verified in LiteRT)', async () => {
    const { stdout } = await runCommand(borde, ['convert', SOURCE_MODEL, '-o', model, '--json'], { cwd: nodeDir });
    const report = JSON.parse(stdout) as { verify?: { passed?: boolean; interpreter?: string; maxRelError?: number } };
    assert(existsSync(model), `no ${model} written`);
    assert(report.verify?.passed === true, `the report does not say verified: ${stdout.slice(0, 400)}`);
    return `verified in ${report.verify.interpreter}, max relative error ${report.verify.maxRelError?.toExponential(1)}`;
  });
  await check('borde inspect', async () => {
    const { stdout } = await runCommand(borde, ['inspect', model], { cwd: nodeDir });
    assert(/FULLY_CONNECTED/.test(stdout), `inspect does not list FULLY_CONNECTED:\n${stdout}`);
    return stdout.split('\n').find((l) => /operators/.test(l))?.trim() ?? '';
  });

  let reference: NodeResult | undefined;
  await check('Node ESM import', async () => {
    const { stdout } = await runCommand('node', ['esm.mjs', model], { cwd: nodeDir });
    reference = JSON.parse(stdout) as NodeResult;
    return `${reference.engine}/${reference.backend}, ${reference.output.name} = ${reference.output.data.map((v) => v.toPrecision(4)).join(', ')}`;
  });
  await check('Node CommonJS require', async () => {
    const { stdout } = await runCommand('node', ['cjs.cjs', model], { cwd: nodeDir });
    const result = JSON.parse(stdout) as NodeResult;
    assert(reference && JSON.stringify(result.output) === JSON.stringify(reference.output), `output ${JSON.stringify(result.output)} differs from ESM's`);
    assert(result.inputError === 'InputError', `a wrong input gave ${result.inputError}`);
    return `${result.engine}/${result.backend}, same output as ESM`;
  });

  if (!only || 'packed model'.includes(only)) {
    await packedModelChecks({
      check, work, root, fixtures, borde, tarballs, install,
      launch: async () => {
        const browser = await launchChromium();
        const serve = async (dist: string) => {
          const server = await startStaticServer({ routes: { '/': dist } });
          try {
            return await openApp(browser, `${server.origin}/`);
          } finally {
            await server.close();
          }
        };
        const dev = async (dir: string) => {
          const port = await freePort();
          const server = await startServer('node', [join(dir, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
            dir, `http://127.0.0.1:${port}/`);
          try {
            return await openApp(browser, server.url);
          } finally {
            await server.stop();
          }
        };
        return { browser, serve, dev };
      },
    });
  }

  if (reference && existsSync(model)) {
    const browser = await launchChromium();
    try {
      for (const { project, ok } of installed) {
        if (!ok || project.name === 'node') continue;
        const dir = dirs.get(project.name)!;
        mkdirSync(join(dir, 'public'), { recursive: true });
        copyFileSync(model, join(dir, 'public/model.tflite'));
        await browserChecks(browser, project, dir, reference);
      }
      // The README's figure: a user's first hour, timed alone (the installs above ran side by side).
      if (!only || 'first result'.includes(only)) {
        await check('npm install to first result, fresh Vite 8 app (warm npm cache)', async () => {
          const project = { ...PROJECTS.find((p) => p.name === 'vite8')!, name: 'first-result' };
          const dir = join(work, project.name);
          writeProject(project, dir, fixtures, tarballs!);
          mkdirSync(join(dir, 'public'), { recursive: true });
          copyFileSync(model, join(dir, 'public/model.tflite'));
          const started = performance.now();
          await install(dir);
          const installed = performance.now();
          const port = await freePort();
          const server = await startServer('node', [join(dir, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
            dir, `http://127.0.0.1:${port}/`);
          try {
            judgePage(await openApp(browser, server.url), reference!);
          } finally {
            await server.stop();
          }
          const done = performance.now();
          return `${seconds(done - started)}: npm install ${seconds(installed - started)}, vite dev to first result ${seconds(done - installed)}`;
        });
      }
    } finally {
      await browser.close();
    }
  }

  const failed = rows.filter((r) => !r.ok);
  console.log(`\n${'check'.padEnd(60)} ${'result'.padEnd(6)} time`);
  for (const row of rows) console.log(`${row.name.slice(0, 60).padEnd(60)} ${(row.ok ? 'ok' : 'FAILED').padEnd(6)} ${seconds(row.ms)}`);
  console.log(`\n${rows.length - failed.length}/${rows.length} consumer checks passed in ${seconds(performance.now() - started)}`);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
