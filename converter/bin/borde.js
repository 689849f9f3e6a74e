#!/usr/bin/env node
// The `borde` command: a thin shell over the library (see src/cli/main.ts). Runs the built output.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
