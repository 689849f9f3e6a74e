// Development entry: `tsx --conditions borde-source converter/src/cli/run.ts ...` runs the CLI from sources.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
