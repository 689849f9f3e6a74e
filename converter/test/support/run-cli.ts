// Runs the `borde` CLI in-process and captures what it prints.
import { main } from '../../src/cli/main.js';

export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (text) => void (stdout += text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void (stderr += text.endsWith('\n') ? text : `${text}\n`),
    isTTY: false,
  });
  return { code, stdout, stderr };
}
