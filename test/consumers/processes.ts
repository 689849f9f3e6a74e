// Child processes for the consumer suite: commands with a time limit and their output, and servers that
// run until stopped.
import { spawn, type ChildProcess } from 'node:child_process';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a command; rejects with its output when it exits non-zero or runs past `timeoutMs`. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code === 0) return resolve({ stdout, stderr, ms });
      const why = signal ? `was killed (${signal}; limit ${options.timeoutMs ?? 300_000} ms)` : `exited ${code}`;
      reject(new Error(`\`${command} ${args.join(' ')}\` in ${options.cwd} ${why}\n${tail(stdout)}\n${tail(stderr)}`));
    });
  });
}

export interface Server {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a server command and resolves once its output shows `url` (e.g. Vite's "Local: http://..."). */
export function startServer(
  command: string, args: readonly string[], cwd: string, url: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`\`${command} ${args.join(' ')}\` did not print ${url} within ${timeoutMs} ms:\n${tail(output)}`));
    }, timeoutMs);
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      // Vite colours the port; strip escape codes before looking for the URL.
      if (output.replace(/\x1b\[[0-9;]*m/g, '').includes(url)) {
        clearTimeout(timer);
        resolve({
          url,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('close', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`\`${command} ${args.join(' ')}\` exited ${code} before serving:\n${tail(output)}`));
    });
  });
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
