// Shared helpers for the benchmarks: processes pinned to a CPU, ports, wrk
// output, /proc readings. Benchmarks print numbers; they never assert.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const lbdoctorBin = join(repoRoot, 'bin', 'lbdoctor.js');

export function has(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function cpuCount() {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || 1;
  } catch {
    return 1;
  }
}

/** `taskset -c CPU cmd …` when taskset exists and the CPU does, else the command alone. */
export function pinned(cpu, command, args) {
  if (cpu !== undefined && has('taskset') && cpu < cpuCount())
    return ['taskset', ['-c', String(cpu), command, ...args]];
  return [command, args];
}

export function scratchDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `lbdoctor-bench-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeFile(path, text) {
  writeFileSync(path, text);
  return path;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port, timeoutMs = 15_000, host = '127.0.0.1') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a long-running process; its output goes to `log` (a path) so a failure can be shown. */
export function startProcess(name, command, args, { cpu, log, env } = {}) {
  const [cmd, argv] = pinned(cpu, command, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const keep = (d) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    name,
    child,
    get pid() {
      return child.pid;
    },
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      if (log) writeFileSync(log, output);
    },
  };
}

/** Runs a command to completion and returns its stdout (throws with stderr on failure). */
export function run(command, args, { cpu, timeoutMs = 600_000 } = {}) {
  const [cmd, argv] = pinned(cpu, command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} exited ${code}: ${err || out}`));
    });
  });
}

const unitMs = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** `1.23ms` → 1.23 (milliseconds). */
export function durationMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  return m ? Number(m[1]) * unitMs[m[2]] : Number.NaN;
}

/** Requests/s, latency percentiles (ms), errors from `wrk --latency` output. */
export function parseWrk(output) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const pct = {};
  for (const m of output.matchAll(/^\s+(50|75|90|99)%\s+(\S+)/gm)) pct[`p${m[1]}`] = durationMs(m[2]);
  const requests = Number(/(\d+) requests in/.exec(output)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = sock ? sock.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
  return { rps, ...pct, requests, non2xx, socketErrors };
}

export function rssKb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return Number.NaN;
  }
}

export function fdCount(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** A minimal inventory for the reference LB: one HTTP listener onto the given members. */
export function referenceInventory({
  listenPort,
  adminPort,
  members,
  healthmonitor = null,
  extraListener = {},
}) {
  const lines = [
    'loadbalancer: {name: bench, type: dedicated, vip_address: 127.0.0.1}',
    'listeners:',
    `  - {name: web, protocol: HTTP, protocol_port: ${listenPort}, default_pool_id: pool${Object.entries(
      extraListener,
    )
      .map(([k, v]) => `, ${k}: ${v}`)
      .join('')}}`,
    'pools:',
    '  - id: pool',
    '    protocol: HTTP',
    `    healthmonitor: ${healthmonitor ? JSON.stringify(healthmonitor) : 'null'}`,
    '    members:',
    ...members.map(
      (m) =>
        `      - {name: ${m.name}, address: 127.0.0.1, protocol_port: ${m.port}, weight: ${m.weight ?? 1}}`,
    ),
    `reference: {admin_port: ${adminPort}, admin_address: 127.0.0.1}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `node bin/lbdoctor.js reference serve --config FILE`, pinned; resolves once the listener accepts. */
export async function startReferenceLb(configFile, listenPort, { cpu, env } = {}) {
  const lb = startProcess(
    'reference',
    process.execPath,
    [lbdoctorBin, 'reference', 'serve', '--config', configFile],
    {
      cpu,
      env,
    },
  );
  try {
    await Promise.race([
      waitForPort(listenPort),
      lb.exited.then(({ code }) => {
        throw new Error(`reference LB exited (${code}):\n${lb.output()}`);
      }),
    ]);
  } catch (err) {
    await lb.stop();
    throw err;
  }
  return lb;
}

/** An nginx config serving a fixed 200 (the backend) or proxying with upstream keepalive (the peer). */
export function nginxConfig({ dir, listenPort, upstreamPort }) {
  const location = upstreamPort
    ? `location / {
        proxy_pass http://backend;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_buffering off;
      }`
    : `location / { return 200 "ok\\n"; }`;
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx-${listenPort}.pid;
error_log stderr warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  ${upstreamPort ? `upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 64; keepalive_requests 1000000; }` : ''}
  server {
    listen 127.0.0.1:${listenPort} reuseport backlog=4096;
    ${location}
  }
}
`;
}

export function haproxyConfig({ listenPort, upstreamPort }) {
  return `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
  option forwardfor
  http-reuse always
frontend fe
  bind 127.0.0.1:${listenPort}
  default_backend be
backend be
  server s1 127.0.0.1:${upstreamPort}
`;
}

export function fmt(n, digits = 0) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/**
 * Re-runs this script under `ulimit -n <limit>` when the open-file limit is
 * lower (10,000 connections need 10,000 descriptors on each side). Returns
 * true when the caller should stop (the re-run does the work).
 */
export async function ensureFileLimit(limit) {
  if (process.env.LBDOCTOR_BENCH_ULIMIT === String(limit)) return false;
  const current = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  const hard = Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
  if (current >= limit || current >= hard) return false;
  const child = spawn(
    'sh',
    // Without CAP_SYS_RESOURCE the hard limit caps it: take as much as allowed.
    [
      '-c',
      `{ ulimit -n ${limit} || ulimit -n "$(ulimit -Hn)"; } 2>/dev/null; exec "$0" "$@"`,
      process.execPath,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit', env: { ...process.env, LBDOCTOR_BENCH_ULIMIT: String(limit) } },
  );
  const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  process.exitCode = code;
  return true;
}

/** CPU seconds (user + system) used so far by `pid` and its descendants (nginx's workers), from /proc. */
export function cpuSecondsTree(pid) {
  const parent = new Map();
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(rest[1]));
      ticks.set(Number(entry), Number(rest[11]) + Number(rest[12]));
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  for (const [p, t] of ticks) {
    for (let q = p; q; q = parent.get(q) ?? 0) {
      if (q === pid) {
        total += t;
        break;
      }
    }
  }
  // USER_HZ is 100 on every Linux architecture Node runs on.
  return total / 100;
}
