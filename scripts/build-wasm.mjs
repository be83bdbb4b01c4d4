#!/usr/bin/env node
// Build step, after tsc: compiles the AssemblyScript line reader
// (src/logs/wasm/line-fields.ts) to dist/logs/line-fields.wasm, which
// src/logs/wasm-lines.ts loads. Fixed memory (never grown: JavaScript keeps
// views of it), no runtime (it allocates nothing), SIMD (Node 20+ has it).
//
// Usage: node scripts/build-wasm.mjs [package-root]
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
const out = join(root, 'dist/logs/line-fields.wasm');
mkdirSync(join(root, 'dist/logs'), { recursive: true });
// 144 pages of 64 KiB: MEMORY_PAGES in the source (its layout), checked again when loaded.
const PAGES = '144';
const { error, stderr } = await asc.main([
  join(root, 'src/logs/wasm/line-fields.ts'),
  '--outFile',
  out,
  '-O3',
  '--runtime',
  'stub',
  '--noAssert',
  '--enable',
  'simd',
  '--initialMemory',
  PAGES,
  '--maximumMemory',
  PAGES,
]);
if (error) {
  process.stderr.write(stderr.toString());
  process.stderr.write(`build-wasm: ${error.message}\n`);
  process.exit(1);
}
