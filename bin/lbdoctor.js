#!/usr/bin/env node
// Thin shim: everything lives in the compiled CLI (src/cli/main.ts sets the exit code).
import module from 'node:module';

// Node 22.1+ caches compiled code between runs (faster --help); a no-op on Node 20.
module.enableCompileCache?.();

const { main } = await import('../dist/cli/main.js');
await main(process.argv);
