#!/usr/bin/env node
// Writes the TLS fixture set (src/lab/tls-fixtures.ts) into DIR: a private
// root (ca.crt), an intermediate, and one PEM bundle + key per fault. Serve one
// with `openssl s_server -cert DIR/expired.pem -key DIR/www-expired.key` and
// diagnose it with `lbdoctor run tls-handshake --input ca=DIR/ca.crt`.
// Needs `npm run build` and the openssl command.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { makeTlsFixtures, TLS_FIXTURES } from '../dist/lab/tls-fixtures.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/make-tls-fixtures.mjs DIR');
  process.exit(2);
}
const out = resolve(dir);
await mkdir(out, { recursive: true });
const set = await makeTlsFixtures(out);
console.log(`root CA: ${set.root.certPath}`);
for (const [name, about] of Object.entries(TLS_FIXTURES)) {
  const f = set.get(name);
  console.log(`${name.padEnd(17)} ${f.certPath} (key ${f.keyPath}): ${about}`);
}
