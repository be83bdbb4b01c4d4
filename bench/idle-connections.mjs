#!/usr/bin/env node
// Holds 10,000 idle keep-alive client connections on the reference LB (each
// has finished one request, as a browser's would) and reports the LB's RSS
// and descriptors before, while held and after. Goal: RSS under 256 MB.
//
//   npm run build && node bench/idle-connections.mjs [--connections 10000] [--hold 15]
//
// The open-file limit is raised with `ulimit -n` (the script re-runs itself
// under it; root or a high hard limit needed).
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { startHttpBackend } from '../dist/lab/backends/index.js';
import {
  ensureFileLimit,
  fdCount,
  fmt,
  freePort,
  referenceInventory,
  rssKb,
  scratchDir,
  startReferenceLb,
  writeFile,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    hold: { type: 'string', default: '15' },
    batch: { type: 'string', default: '250' },
  },
});
const total = Number(values.connections);
if (await ensureFileLimit(Math.max(65536, total * 3))) process.exit();
console.log(`open-file limit: ${execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()}`);

const { dir, cleanup } = scratchDir('idle');
const backend = await startHttpBackend({ name: 'be' });
const port = await freePort();
const inventory = writeFile(
  `${dir}/inventory.yaml`,
  // keepalive_timeout 300 s so the hold below never reaches the idle timeout (FAQ 5.6).
  referenceInventory({
    listenPort: port,
    adminPort: await freePort(),
    members: [{ name: 'be', port: backend.port }],
    extraListener: { keepalive_timeout: 300 },
  }),
);
const lb = await startReferenceLb(inventory, port);
const sample = (label) => {
  const r = { label, rssMb: rssKb(lb.pid) / 1024, fds: fdCount(lb.pid) };
  console.log(`${label.padEnd(28)} RSS ${fmt(r.rssMb, 1).padStart(7)} MB   fds ${r.fds}`);
  return r;
};

/** One connection that completes one keep-alive request, then stays open and idle. */
function idleConnection() {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let head = '';
    s.setNoDelay(true);
    s.once('connect', () => s.write('GET / HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\r\n'));
    const onData = (d) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n') && head.endsWith('be\n')) {
        s.off('data', onData);
        if (!head.startsWith('HTTP/1.1 200'))
          reject(new Error(`unexpected answer: ${head.split('\r\n')[0]}`));
        else resolve(s);
      }
    };
    s.on('data', onData);
    s.once('error', reject);
  });
}

const sockets = [];
let closedEarly = 0;
try {
  const before = sample('before');
  const started = performance.now();
  for (let i = 0; i < total; i += Number(values.batch)) {
    const n = Math.min(Number(values.batch), total - i);
    const batch = await Promise.all(Array.from({ length: n }, idleConnection));
    for (const s of batch) {
      s.once('close', () => closedEarly++);
      sockets.push(s);
    }
  }
  console.log(
    `${total} connections opened (one request each) in ${fmt((performance.now() - started) / 1000, 1)} s`,
  );
  const opened = sample(`${total} idle connections`);
  await new Promise((r) => setTimeout(r, Number(values.hold) * 1000));
  const held = sample(`after ${values.hold} s idle`);
  // The LB still serves while holding them.
  const extra = await idleConnection();
  extra.destroy();
  const closedWhileHeld = closedEarly;
  for (const s of sockets) s.destroy();
  await new Promise((r) => setTimeout(r, 3000));
  const after = sample('3 s after closing them');
  console.log(
    `\nconnections the LB closed while idle: ${closedWhileHeld} (expected 0: keepalive_timeout 300 s)\n` +
      `RSS while holding ${total}: ${fmt(held.rssMb, 1)} MB (goal < 256 MB: ${held.rssMb < 256 ? 'met' : 'missed'}), ` +
      `${fmt(((held.rssMb - before.rssMb) * 1024) / total, 1)} KB per connection; fds back to ${after.fds} (from ${before.fds})`,
  );
  console.log(
    JSON.stringify({ bench: 'idle-connections', total, before, opened, held, after, closedWhileHeld }),
  );
} finally {
  for (const s of sockets) s.destroy();
  await lb.stop();
  await backend.close();
  cleanup();
}
