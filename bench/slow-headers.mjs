#!/usr/bin/env node
// slowhttptest's slow-headers (Slowloris) attack on the reference LB: each
// connection sends a header line every 2 s and never finishes its request.
// ELB closes such a connection with 408 once the request timeout
// (client_timeout, FAQ 1.5/5.6) passes; this reads the LB's access log to
// show those 408s and slowhttptest's own count of closed connections.
//
//   npm run build && node bench/slow-headers.mjs [--client-timeout 5] [--connections 200] [--seconds 20]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseElbAccessLog } from '../dist/accesslog/parse.js';
import { startHttpBackend } from '../dist/lab/backends/index.js';
import {
  fmt,
  freePort,
  has,
  run,
  scratchDir,
  startProcess,
  waitForPort,
  writeFile,
  lbdoctorBin,
} from './lib.mjs';

const { values } = parseArgs({
  options: {
    'client-timeout': { type: 'string', default: '5' },
    connections: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
  },
});
if (!has('slowhttptest')) {
  console.error('bench: slowhttptest is not installed (Debian: apt-get install slowhttptest)');
  process.exit(2);
}
const clientTimeout = Number(values['client-timeout']);
const { dir, cleanup } = scratchDir('slow');
const backend = await startHttpBackend({ name: 'be' });
const port = await freePort();
const accessLog = `${dir}/access.log`;
const inventory = writeFile(
  `${dir}/inventory.yaml`,
  `loadbalancer: {name: slow, type: dedicated, vip_address: 127.0.0.1}
listeners:
  - {name: web, protocol: HTTP, protocol_port: ${port}, default_pool_id: pool, client_timeout: ${clientTimeout}}
pools:
  - {id: pool, protocol: HTTP, members: [{name: be, address: 127.0.0.1, protocol_port: ${backend.port}}]}
`,
);
const lb = startProcess('reference', process.execPath, [
  lbdoctorBin,
  'reference',
  'serve',
  '--config',
  inventory,
  '--access-log',
  accessLog,
]);
try {
  await waitForPort(port);
  const started = Date.now();
  await run(
    'slowhttptest',
    [
      '-H',
      '-c',
      values.connections,
      '-r',
      '100',
      '-i',
      '2',
      '-x',
      '10',
      '-p',
      '3',
      '-l',
      values.seconds,
      '-g',
      '-o',
      `${dir}/sht`,
      '-u',
      `http://127.0.0.1:${port}/`,
    ],
    { timeoutMs: (Number(values.seconds) + 30) * 1000 },
  );
  const elapsed = (Date.now() - started) / 1000;
  // slowhttptest's per-second CSV: Seconds,Closed,Pending,Connected,Service Available
  const rows = readFileSync(`${dir}/sht.csv`, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
  const peakConnected = Math.max(...rows.map((r) => r[3]));
  const last = rows.at(-1);
  const unavailable = rows.filter((r) => r[4] === 0).length;
  await lb.stop();
  const { records, errors } = parseElbAccessLog(readFileSync(accessLog, 'utf8'), accessLog);
  const slow = records.filter((r) => r.status === 408);
  const times = slow.map((r) => r.requestTime).filter((t) => t !== null);
  console.log(
    `slowhttptest -H -c ${values.connections} -i 2 for ${values.seconds} s against client_timeout ${clientTimeout} s (ran ${fmt(elapsed, 1)} s)`,
  );
  console.log(`connected at peak: ${peakConnected}; at the end: closed ${last?.[1]}, connected ${last?.[3]}`);
  console.log(
    `seconds in which slowhttptest's probe found the service unavailable: ${unavailable} of ${rows.length}`,
  );
  console.log(
    `access log: ${records.length} lines (${errors.length} unreadable), ${slow.length} with status 408` +
      (times.length
        ? `; request_time of the 408s: ${fmt(Math.min(...times), 2)}–${fmt(Math.max(...times), 2)} s`
        : ''),
  );
  console.log(`second: closed/connected  ${rows.map((r) => `${r[0]}:${r[1]}/${r[3]}`).join('  ')}`);
  const byStatus = {};
  for (const r of records) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  console.log(`by status: ${JSON.stringify(byStatus)}`);
  console.log(
    JSON.stringify({
      bench: 'slow-headers',
      clientTimeout,
      peakConnected,
      unavailable,
      lines: records.length,
      status408: slow.length,
      rows,
    }),
  );
} finally {
  await lb.stop();
  await backend.close();
  cleanup();
}
