#!/usr/bin/env node
// 60 s of mixed traffic through the reference LB while members flap:
//  - be1 is set admin down/up through the admin API every 3 s (FAQ 6.13),
//  - be3's health path flips between 200 and 503 every 4 s, so its health
//    check flaps (FAQ 1.8),
//  - be2 stays healthy the whole time, so every request had somewhere to go:
//    any failure is a request that could have been retried (FAQ 1.9).
// Reports the requests lost, the LB's descriptors before/after and its RSS over time.
//
//   npm run build && node bench/soak.mjs [--seconds 60] [--workers 16]
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { startHttpBackend } from '../dist/lab/backends/index.js';
import {
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
    seconds: { type: 'string', default: '60' },
    workers: { type: 'string', default: '16' },
  },
});
const seconds = Number(values.seconds);

const { dir, cleanup } = scratchDir('soak');
// The rule's answer object is shared, so flipping its status flips the health path.
const be3Health = { status: 200 };
const routes = [
  { path: '/slow', answer: { delayMs: 50 } },
  { path: '/upload', answer: { body: 'stored\n' } },
];
const backends = [
  await startHttpBackend({ name: 'be1', healthPath: '/health', rules: routes }),
  await startHttpBackend({ name: 'be2', healthPath: '/health', rules: routes }),
  await startHttpBackend({ name: 'be3', rules: [{ path: '/health', answer: be3Health }, ...routes] }),
];
const port = await freePort();
const adminPort = await freePort();
const inventory = writeFile(
  `${dir}/inventory.yaml`,
  referenceInventory({
    listenPort: port,
    adminPort,
    members: backends.map((b) => ({ name: b.name, port: b.port })),
    healthmonitor: { type: 'HTTP', delay: 1, timeout: 1, max_retries: 1, url_path: '/health' },
  }),
);
const lb = await startReferenceLb(inventory, port);
const base = `http://127.0.0.1:${port}`;
const agent = new Agent({ keepAlive: true, maxSockets: Number(values.workers) });
const upload = Buffer.alloc(64 * 1024, 'x');

const counts = { total: 0, ok: 0, byStatus: {}, errors: {}, byBackend: {} };
function send(kind) {
  const opts = {
    get: { path: '/', method: 'GET', agent },
    slow: { path: '/slow', method: 'GET', agent },
    upload: { path: '/upload', method: 'POST', agent, headers: { 'content-length': upload.length } },
    fresh: { path: '/', method: 'GET', agent: false },
  }[kind];
  return new Promise((resolve) => {
    const req = request(`${base}${opts.path}`, { ...opts, signal: AbortSignal.timeout(10_000) }, (res) => {
      res.resume();
      res.on('end', () => {
        counts.total++;
        counts.byStatus[res.statusCode] = (counts.byStatus[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 200) counts.ok++;
        const be = res.headers['x-backend'] ?? 'none';
        counts.byBackend[be] = (counts.byBackend[be] ?? 0) + 1;
        resolve();
      });
      res.on('error', (err) => fail(err, resolve));
    });
    req.on('error', (err) => fail(err, resolve));
    req.end(kind === 'upload' ? upload : undefined);
  });
}
function fail(err, resolve) {
  counts.total++;
  const code = err.code ?? err.name ?? 'error';
  counts.errors[code] = (counts.errors[code] ?? 0) + 1;
  resolve();
}

async function admin(member, up) {
  const res = await fetch(`http://127.0.0.1:${adminPort}/members/pool/${member}/admin`, {
    method: 'POST',
    body: JSON.stringify({ up }),
  });
  if (!res.ok) throw new Error(`admin API: ${res.status} ${await res.text()}`);
}

const samples = [];
const sample = (t) => samples.push({ t, rssMb: rssKb(lb.pid) / 1024, fds: fdCount(lb.pid) });
try {
  // Let the first health checks pass (FAQ 2.6: within one interval).
  await new Promise((r) => setTimeout(r, 2500));
  const fdsBefore = fdCount(lb.pid);
  sample(0);
  const start = Date.now();
  const end = start + seconds * 1000;
  let be1Up = true;
  const timers = [
    setInterval(() => {
      be1Up = !be1Up;
      admin('be1', be1Up).catch((e) => console.error(e.message));
    }, 3000),
    setInterval(() => {
      be3Health.status = be3Health.status === 200 ? 503 : 200;
    }, 4000),
    setInterval(() => sample(Math.round((Date.now() - start) / 1000)), 5000),
  ];
  const kinds = ['get', 'get', 'slow', 'upload', 'fresh'];
  await Promise.all(
    Array.from({ length: Number(values.workers) }, async (_, w) => {
      for (let i = w; Date.now() < end; i++) await send(kinds[i % kinds.length]);
    }),
  );
  for (const t of timers) clearInterval(t);
  await admin('be1', true);
  agent.destroy();
  // Longer than the backends' keep-alive (Node: 5 s + 1 s), so pooled upstream
  // connections have been closed and any descriptor still open is a leak.
  await new Promise((r) => setTimeout(r, 8000));
  sample(Math.round((Date.now() - start) / 1000));
  const fdsAfter = fdCount(lb.pid);

  const lost = counts.total - counts.ok;
  console.log(
    `\n${seconds} s, ${values.workers} workers (keep-alive GET, 50 ms GET, 64 KB POST, new-connection GET)`,
  );
  console.log(
    `requests: ${counts.total}, 200: ${counts.ok}, lost: ${lost} (${fmt((lost / counts.total) * 100, 3)} %)`,
  );
  console.log(
    `by status: ${JSON.stringify(counts.byStatus)}  client errors: ${JSON.stringify(counts.errors)}`,
  );
  console.log(`answered by: ${JSON.stringify(counts.byBackend)}`);
  console.log(`LB descriptors: ${fdsBefore} before, ${fdsAfter} after (8 s idle)`);
  console.log(`LB RSS over time (s → MB): ${samples.map((s) => `${s.t}→${fmt(s.rssMb, 1)}`).join('  ')}`);
  console.log(
    JSON.stringify({
      bench: 'soak',
      seconds,
      workers: Number(values.workers),
      counts,
      fdsBefore,
      fdsAfter,
      samples,
    }),
  );
} finally {
  agent.destroy();
  await lb.stop();
  for (const b of backends) await b.close();
  cleanup();
}
