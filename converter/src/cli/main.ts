import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { TfliteError } from '@borde/tflite';
import { ConverterError } from '../errors.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { processOutput, type CliOutput } from './io.js';
import { registerConvert } from './commands/convert.js';
import { registerInspect } from './commands/inspect.js';
import { registerPack } from './commands/pack.js';

/** Runs the `borde` CLI with the given arguments (without `node borde`); resolves to the exit code. */
export async function main(argv: string[], output: CliOutput = processOutput): Promise<number> {
  // Nothing heavy is imported here: tfjs, the importers and the runtime load only inside `convert`, so
  // `borde inspect` and `borde --version` start in a fraction of a second.
  const debug = argv.includes('--debug');
  const program = new Command('borde')
    .description('Convert models to TensorFlow Lite and prove what was written.');
  // `borde pack --version x.y.z` names the package's version: commander reads program options after the
  // subcommand too, so borde's own --version is left out there (`borde -V` still prints it).
  if (argv.find((a) => !a.startsWith('-')) !== 'pack') program.version(converterVersion(), '-V, --version', 'print the version of borde');
  program
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .showHelpAfterError('(run `borde --help` for usage)')
    .configureOutput({ writeOut: (s) => output.out(s), writeErr: (s) => output.err(s) });
  registerInspect(program, output);
  registerConvert(program, output);
  registerPack(program, output);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other parse problem is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    output.err(formatError(error, debug));
    return EXIT_FAILURE;
  }
}

/** The version in @borde/converter's package.json (two folders up from both src/cli and dist/cli). */
function converterVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function formatError(error: unknown, debug: boolean): string {
  const err = error instanceof Error ? error : new Error(String(error));
  const known = err instanceof TfliteError || err instanceof ConverterError;
  const head = known ? `error: ${err.message}` : `internal error: ${err.message} (run with --debug for the stack trace)`;
  return debug && err.stack ? `${head}\n${err.stack}` : head;
}
