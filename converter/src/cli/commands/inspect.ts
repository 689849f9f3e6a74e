import type { Command } from 'commander';
import { readModel, summarize, verifyGraph } from '@borde/tflite';
import type { CliOutput } from '../io.js';
import { readUserFile } from '../io.js';
import { formatSummary } from '../format-summary.js';

/** `borde inspect <model.tflite> [--json]`: what a .tflite file holds, after verifying it. */
export function registerInspect(program: Command, output: CliOutput): void {
  program
    .command('inspect')
    .description('verify a .tflite file and summarise it: inputs, outputs, operators, parameters, bytes')
    .argument('<model>', 'path of a .tflite file')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (path: string, options: { json?: boolean }) => {
      const bytes = await readUserFile(path, 'model');
      const graph = readModel(bytes);
      // The runtime's semantic checks: a file that passes here is one loadModel hands to an engine.
      verifyGraph(graph);
      const summary = summarize(graph, { sizeBytes: bytes.byteLength });
      output.out(options.json ? JSON.stringify(summary, null, 2) : formatSummary(path, summary));
    });
}
