#!/usr/bin/env node
// Thin shim: everything lives in the compiled CLI, which is the one place that exits.
import { main } from '../dist/cli/main.js';

main(process.argv);
