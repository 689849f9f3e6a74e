// Runs the `borde` CLI as a separate process (from sources, through tsx), for what only a real process
// shows: exit by signal, start-up imports, output written by the process itself.
import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));

export interface SpawnedCli {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `borde <args>`; `onStderr` sees stderr as it comes (with the child, to signal it mid-run).
 * `nodeArgs` go before the script (e.g. an --import preload); `options` to spawn (e.g. uid).
 */
export function spawnCli(
  args: string[],
  more: { nodeArgs?: string[]; options?: SpawnOptions; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<SpawnedCli> {
  const child = spawn(process.execPath, [...(more.nodeArgs ?? []), '--import', 'tsx', '--conditions', 'borde-source', cli, ...args], {
    cwd: root,
    ...more.options,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => void (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
    more.onStderr?.(stderr, child);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
