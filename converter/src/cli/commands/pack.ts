import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { ConverterError } from '../../errors.js';
import { packageFiles, parseLabels, writePackage } from '../../pack/pack-model.js';
import type { CliOutput } from '../io.js';
import { readUserFile } from '../io.js';

interface PackFlags {
  name: string;
  version: string;
  labels?: string;
  card?: string;
  report?: string;
  output?: string;
  tgz?: boolean;
}

/** `borde pack <model.tflite> --name @scope/pkg --version x.y.z [--labels] [--card] [--report] [-o dir] [--tgz]`. */
export function registerPack(program: Command, output: CliOutput): void {
  program
    .command('pack')
    .description('make an npm package of a .tflite model: the model, its sha256 manifest, a model card and a typed wrapper for @borde/runtime')
    .argument('<model>', 'path of a .tflite file')
    .requiredOption('--name <name>', 'npm package name, e.g. @acme/fashion-classifier')
    .requiredOption('--version <version>', 'package version, e.g. 1.0.0')
    .option('--labels <file>', 'class names, one per line, in the order of the class output')
    .option('--card <file>', 'markdown about the model (intended use, data, limits), added to the model card')
    .option('--report <file>', 'the JSON of `borde convert --json`, quoted in the model card (else "not measured")')
    .option('-o, --output <dir>', 'package folder to write (default: the package name without its scope)')
    .option('--tgz', 'also write the package as a .tgz (`npm pack`) next to the folder')
    .action(async (path: string, flags: PackFlags) => {
      const text = async (file: string | undefined, what: string) =>
        file === undefined ? undefined : new TextDecoder().decode(await readUserFile(file, what));
      const reportText = await text(flags.report, 'report');
      let report: unknown;
      try {
        report = reportText === undefined ? undefined : JSON.parse(reportText);
      } catch (error) {
        throw new ConverterError('INVALID_OPTIONS', `--report ${flags.report} is not JSON: write it with \`borde convert ... --json > report.json\`.`, { cause: error });
      }
      const labelsText = await text(flags.labels, 'labels file');
      const card = await text(flags.card, 'model card');
      const files = packageFiles({
        model: await readUserFile(path, 'model'),
        name: flags.name,
        version: flags.version,
        ...(labelsText !== undefined ? { labels: parseLabels(labelsText) } : {}),
        ...(card !== undefined ? { card } : {}),
        ...(report !== undefined ? { report } : {}),
        runtimeVersion: packageVersion('@borde/runtime'),
        converterVersion: packageVersion('@borde/converter'),
      });
      const dir = resolve(flags.output ?? flags.name.replace(/^@[^/]+\//, ''));
      await writePackage(dir, files);
      output.out(`wrote ${dir} (${[...files.keys()].join(', ')})`);
      if (flags.tgz) output.out(`wrote ${await npmPack(dir)}`);
    });
}

/** `npm pack` of the folder into its parent: the tarball npm itself would publish. */
async function npmPack(dir: string): Promise<string> {
  const cache = await mkdtemp(join(tmpdir(), 'borde-pack-'));
  try {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--json', '--pack-destination', dirname(dir)], { cwd: dir, env: { ...process.env, npm_config_cache: cache } });
    const [result] = JSON.parse(stdout) as { filename: string }[];
    return join(dirname(dir), result!.filename);
  } catch (error) {
    throw new ConverterError('OUTPUT_NOT_WRITABLE', `npm pack failed in ${dir}: ${(error as Error).message}. Is npm on the PATH?`, { cause: error });
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

/** Version of an installed package, found the way Node finds it (node_modules folders up from here). */
function packageVersion(name: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const own = join(dir, 'package.json');
    if (existsSync(own)) {
      const pkg = JSON.parse(readFileSync(own, 'utf8')) as { name?: string; version: string };
      if (pkg.name === name) return pkg.version;
    }
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) throw new ConverterError('INVALID_OPTIONS', `cannot find the installed ${name} to read its version; install it next to @borde/converter.`);
  }
}
