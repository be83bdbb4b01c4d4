#!/usr/bin/env node
// wrk against the reference LB, nginx and HAProxy, each on the same single
// core, each proxying to the same backend, with the same connections and
// duration, in one run. Prints req/s, latency percentiles and the
// reference/nginx ratio against the goals (>= 0.5x nginx req/s, p99 <= 10 ms).
//
//   npm run build && node bench/reference-vs-nginx/run.mjs [--duration 10s] [--connections 50] [--threads 2] [--rounds 3]
//
// Layout on a 2-CPU machine: the backend (a static nginx) and wrk share CPU 0;
// the proxy under test runs alone on CPU 1 (`taskset -c 1`) with one
// worker/thread/process. With one CPU everything shares it and the numbers
// only compare the proxies with each other.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cpuSecondsTree,
  fmt,
  freePort,
  haproxyConfig,
  has,
  nginxConfig,
  parseWrk,
  referenceInventory,
  run,
  scratchDir,
  startProcess,
  startReferenceLb,
  waitForPort,
  writeFile,
} from '../lib.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10s' },
    connections: { type: 'string', default: '50' },
    threads: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '3s' },
    rounds: { type: 'string', default: '3' },
  },
});

const minimalProxy = join(import.meta.dirname, 'minimal-node-proxy.mjs');
const LB_CPU = 1;
const LOAD_CPU = 0;

for (const tool of ['wrk', 'nginx']) {
  if (!has(tool)) {
    console.error(
      `bench: ${tool} is not installed (Debian: apt-get install ${tool === 'nginx' ? 'nginx-light' : tool})`,
    );
    process.exitCode = 2;
  }
}
if (process.exitCode) process.exit();

const { dir, cleanup } = scratchDir('rvn');
const running = [];
const stopAll = async () => {
  for (const p of running.reverse()) await p.stop();
  cleanup();
};
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

/** wrk after a warm-up; also the proxy's own CPU time per request, which other load on the machine disturbs less than req/s. */
async function wrk(url, pid) {
  const args = [`-t${values.threads}`, `-c${values.connections}`, `-d${values.duration}`, '--latency', url];
  await run('wrk', [`-t${values.threads}`, `-c${values.connections}`, `-d${values.warmup}`, url], {
    cpu: LOAD_CPU,
  });
  const cpuBefore = pid ? cpuSecondsTree(pid) : Number.NaN;
  const result = parseWrk(await run('wrk', args, { cpu: LOAD_CPU }));
  const cpu = pid ? cpuSecondsTree(pid) - cpuBefore : Number.NaN;
  return { ...result, cpuSeconds: cpu, cpuUsPerRequest: (cpu / result.requests) * 1e6 };
}

async function bench(name, start, port) {
  const proc = await start();
  running.push(proc);
  try {
    await waitForPort(port).catch((err) => {
      throw new Error(`${name}: ${err.message}\n${proc.output?.() ?? ''}`);
    });
    const result = await wrk(`http://127.0.0.1:${port}/`, proc.pid);
    return { name, ...result };
  } finally {
    await proc.stop();
    running.splice(running.indexOf(proc), 1);
  }
}

try {
  const backendPort = await freePort();
  const backendConf = writeFile(`${dir}/backend.conf`, nginxConfig({ dir, listenPort: backendPort }));
  const backend = startProcess('backend', 'nginx', ['-p', dir, '-c', backendConf, '-e', 'stderr'], {
    cpu: LOAD_CPU,
  });
  running.push(backend);
  await waitForPort(backendPort);

  // What runs in each round, in this order: every proxy on the same CPU, proxying to the same backend.
  const contenders = [];
  contenders.push({
    name: 'backend direct',
    port: backendPort,
    start: async () => ({ stop: async () => {} }),
  });
  const refPort = await freePort();
  const inventory = writeFile(
    `${dir}/inventory.yaml`,
    referenceInventory({
      listenPort: refPort,
      adminPort: await freePort(),
      members: [{ name: 'be', port: backendPort }],
    }),
  );
  contenders.push({
    name: 'reference LB',
    port: refPort,
    start: () => startReferenceLb(inventory, refPort, { cpu: LB_CPU }),
  });
  const nginxPort = await freePort();
  const nginxConf = writeFile(
    `${dir}/proxy.conf`,
    nginxConfig({ dir, listenPort: nginxPort, upstreamPort: backendPort }),
  );
  contenders.push({
    name: 'nginx',
    port: nginxPort,
    start: async () =>
      startProcess('nginx', 'nginx', ['-p', dir, '-c', nginxConf, '-e', 'stderr'], { cpu: LB_CPU }),
  });
  // Floors: the least a Node proxy does per request on raw sockets (as the reference LB), on node:http, and with undici.
  for (const mode of ['net', 'http', 'undici']) {
    const floorPort = await freePort();
    contenders.push({
      name: `node ${mode} floor`,
      port: floorPort,
      start: async () =>
        startProcess(
          `node-${mode}`,
          process.execPath,
          [minimalProxy, mode, String(floorPort), String(backendPort)],
          { cpu: LB_CPU },
        ),
    });
  }
  if (has('haproxy')) {
    const haPort = await freePort();
    const haConf = writeFile(
      `${dir}/haproxy.cfg`,
      haproxyConfig({ listenPort: haPort, upstreamPort: backendPort }),
    );
    contenders.push({
      name: 'haproxy',
      port: haPort,
      start: async () => startProcess('haproxy', 'haproxy', ['-f', haConf, '-db'], { cpu: LB_CPU }),
    });
  } else {
    console.log('haproxy not installed: skipped');
  }

  // Rounds interleave the contenders, so a burst of load from elsewhere on the
  // machine hits one round of each rather than all of one; medians are reported.
  const rounds = Number(values.rounds);
  const byName = new Map(contenders.map((c) => [c.name, []]));
  const ratios = [];
  for (let round = 1; round <= rounds; round++) {
    const inRound = new Map();
    for (const c of contenders) {
      const r = await bench(c.name, c.start, c.port);
      byName.get(c.name).push(r);
      inRound.set(c.name, r);
    }
    const ratio = inRound.get('reference LB').rps / inRound.get('nginx').rps;
    ratios.push(ratio);
    console.log(
      `round ${round}/${rounds}: reference ${fmt(inRound.get('reference LB').rps)} req/s, nginx ${fmt(inRound.get('nginx').rps)} req/s, ratio ${fmt(ratio, 2)}x`,
    );
  }
  const results = contenders.map((c) => {
    const runs = byName.get(c.name);
    return {
      name: c.name,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p90: median(runs.map((r) => r.p90)),
      p99: median(runs.map((r) => r.p99)),
      non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
      socketErrors: runs.reduce((n, r) => n + r.socketErrors, 0),
      cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
      runs,
    };
  });

  console.log(
    `\nwrk -t${values.threads} -c${values.connections} -d${values.duration} --latency (after a ${values.warmup} warm-up), proxies on CPU ${LB_CPU}, backend+wrk on CPU ${LOAD_CPU}; medians of ${rounds} interleaved rounds\n`,
  );
  console.log(
    'proxy               req/s      p50 ms   p90 ms   p99 ms   non-2xx  socket errors   proxy CPU µs/request',
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(18)} ${fmt(r.rps).padStart(8)}   ${fmt(r.p50, 2).padStart(6)}   ${fmt(r.p90, 2).padStart(6)}   ${fmt(r.p99, 2).padStart(6)}   ${String(r.non2xx).padStart(7)}  ${String(r.socketErrors).padStart(13)}   ${fmt(r.cpuUsPerRequest, 1).padStart(8)}`,
    );
  }
  const ref = results.find((r) => r.name === 'reference LB');
  const ngx = results.find((r) => r.name === 'nginx');
  const ha = results.find((r) => r.name === 'haproxy');
  const ratio = median(ratios);
  console.log(
    `\nreference / nginx req/s, median of the per-round ratios: ${fmt(ratio, 2)}x (rounds: ${ratios.map((x) => fmt(x, 2)).join(', ')}; goal >= 0.50x: ${ratio >= 0.5 ? 'met' : 'missed'})`,
  );
  if (ha) console.log(`reference / haproxy req/s: ${fmt(ref.rps / ha.rps, 2)}x`);
  console.log(
    `CPU per request: reference ${fmt(ref.cpuUsPerRequest, 1)} µs, nginx ${fmt(ngx.cpuUsPerRequest, 1)} µs` +
      ` (${fmt(ref.cpuUsPerRequest / ngx.cpuUsPerRequest, 1)}x); one core's ceiling for the reference ≈ ${fmt(1e6 / ref.cpuUsPerRequest)} req/s`,
  );
  const floor = results.find((r) => r.name === 'node net floor');
  if (floor) {
    console.log(
      `reference CPU per request vs a bare raw-socket Node proxy: ${fmt(ref.cpuUsPerRequest / floor.cpuUsPerRequest, 2)}x (the LB's own work: parsing, checks, routing, metrics)`,
    );
  }
  console.log(`reference p99: ${fmt(ref.p99, 2)} ms (goal <= 10 ms: ${ref.p99 <= 10 ? 'met' : 'missed'})`);
  console.log(JSON.stringify({ bench: 'reference-vs-nginx', ...values, ratios, results }));
} finally {
  await stopAll();
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
