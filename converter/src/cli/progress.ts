import type { ProgressEvent } from '../convert.js';
import type { CliOutput } from './io.js';

/**
 * Progress on stderr (stdout stays clean for --json): a line redrawn in place on a terminal, plain
 * timestamped lines otherwise (CI logs, pipes).
 */
export function progressReporter(output: CliOutput): (event: ProgressEvent) => void {
  const start = Date.now();
  return (event) => {
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    const line = `[${seconds}s] ${event.step}: ${event.message}`;
    if (output.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
    else output.err(line);
  };
}

export function endProgress(output: CliOutput): void {
  if (output.isTTY) process.stderr.write('\r\x1b[2K');
}
