#!/usr/bin/env node
// Generates ELB Layer-7 access-log lines (the layout of shared/elb-access-log.md,
// the one src/accesslog/format.ts writes) for tests and the `lbdoctor logs`
// benchmark. Deterministic: the same options and seed give the same bytes.
//
// Usage: node scripts/gen-access-log.mjs [options] > access.log
//   --seed N              pseudo-random seed (default 1)
//   --lines N             how many lines (default 10000), or
//   --size SIZE           about this many bytes instead (e.g. 1G, 200M, 64K)
//   --start ISO           first line's time (default 2026-11-25T00:00:00+08:00; its offset is every line's)
//   --duration DUR        time the lines span (default 24h; e.g. 90m, 1h, 3600s)
//   --storm-499 HH:MM/DUR a 499 storm from that time of day: POSTs to /pay stall on be2 and
//                         clients give up at their 10 s timeout (FAQ 7.9), e.g. 12:00/15m
//   --burst-5xx HH:MM/DUR a 5xx burst: be3 refuses connections (LB 502, retried GETs
//                         succeed elsewhere), times out (LB 504) or answers 503 itself
//   --members N           backend members be1…beN (default 4; be3 is the slowest)
//   --retry-rate R        share of lines retried on another member in normal times (default 0.002)
//   --lb-error-rate R     share answered by the LB itself: 400, 408, 413, 414 (default 0.002)
//   --health-rate R       share of health-check-looking lines (GET /health, checker User-Agent; default 0)
//   --bad-lines N         N lines that are not in the layout (truncated, or another format)
//   --gzip                gzip the output
//   --out FILE            write there instead of stdout
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';

function parseArgs(argv) {
  const o = {
    seed: 1,
    lines: undefined,
    size: undefined,
    start: '2026-11-25T00:00:00+08:00',
    duration: '24h',
    storm499: undefined,
    burst5xx: undefined,
    members: 4,
    retryRate: 0.002,
    lbErrorRate: 0.002,
    healthRate: 0,
    badLines: 0,
    gzip: false,
    out: undefined,
  };
  const names = {
    '--seed': 'seed',
    '--lines': 'lines',
    '--size': 'size',
    '--start': 'start',
    '--duration': 'duration',
    '--storm-499': 'storm499',
    '--burst-5xx': 'burst5xx',
    '--members': 'members',
    '--retry-rate': 'retryRate',
    '--lb-error-rate': 'lbErrorRate',
    '--health-rate': 'healthRate',
    '--bad-lines': 'badLines',
    '--out': 'out',
  };
  const numeric = new Set(['seed', 'lines', 'members', 'retryRate', 'lbErrorRate', 'healthRate', 'badLines']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--gzip') o.gzip = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    } else if (names[a]) {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      const key = names[a];
      o[key] = numeric.has(key) ? Number(v) : v;
      if (numeric.has(key) && !Number.isFinite(o[key])) fail(`${a}: "${v}" is not a number`);
    } else fail(`unknown option ${a}`);
  }
  return o;
}

function usage() {
  return 'usage: node scripts/gen-access-log.mjs [--seed N] [--lines N | --size SIZE] [--start ISO] [--duration DUR] [--storm-499 HH:MM/DUR] [--burst-5xx HH:MM/DUR] [--members N] [--retry-rate R] [--lb-error-rate R] [--health-rate R] [--bad-lines N] [--gzip] [--out FILE]';
}

function fail(message) {
  process.stderr.write(`gen-access-log: ${message}\n${usage()}\n`);
  process.exit(2);
}

function parseSize(v) {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)B?$/i.exec(v);
  if (!m) fail(`--size: "${v}" is not a size like 1G, 200M, 64K`);
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase()];
  return Math.round(Number(m[1]) * unit);
}

function parseDuration(v, flag) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v);
  if (!m) fail(`${flag}: "${v}" is not a duration like 90s, 15m, 24h`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's'];
}

/** `HH:MM[:SS]/DUR` on the start's calendar day (in its offset): [fromMs, toMs). */
function parseWindow(v, flag, startMs, offsetMin) {
  if (v === undefined) return undefined;
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\/(.+)$/.exec(v);
  if (!m) fail(`${flag}: "${v}" is not HH:MM/DURATION, e.g. 12:00/15m`);
  const local = startMs + offsetMin * 60_000;
  const midnight = local - (((local % 86_400_000) + 86_400_000) % 86_400_000) - offsetMin * 60_000;
  let from = midnight + ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000;
  if (from < startMs) from += 86_400_000;
  return [from, from + parseDuration(m[4], flag)];
}

/** mulberry32: small, fast, good enough for test data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const o = parseArgs(process.argv.slice(2));
const startMatch = /([+-])(\d{2}):(\d{2})$|Z$/.exec(o.start);
const startMs = Date.parse(o.start);
if (!Number.isFinite(startMs) || !startMatch) fail(`--start: "${o.start}" is not an ISO time with an offset`);
const offsetMin = startMatch[1]
  ? (startMatch[1] === '-' ? -1 : 1) * (Number(startMatch[2]) * 60 + Number(startMatch[3]))
  : 0;
const durationMs = parseDuration(o.duration, '--duration');
const storm = parseWindow(o.storm499, '--storm-499', startMs, offsetMin);
const burst = parseWindow(o.burst5xx, '--burst-5xx', startMs, offsetMin);
if (!(o.members >= 1)) fail('--members must be at least 1');

const random = rng(o.seed);
const pick = (xs) => xs[Math.floor(random() * xs.length)];
/** Log-normal around `median` (seconds); sigma spreads the tail. */
function lognormal(median, sigma) {
  const u = 1 - random();
  const v = random();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}
const s3 = (x) => x.toFixed(3);

const members = Array.from({ length: o.members }, (_, i) => ({
  name: `be${i + 1}`,
  addr: `10.0.1.${11 + i}:8080`,
  // be3 answers slower than the others.
  speed: i === 2 ? 3 : 1 + i * 0.1,
}));
const byName = (n) => members.find((m) => m.name === n) ?? members[members.length - 1];
const PATHS = [
  ['GET', '/', 20],
  ['GET', '/cart', 15],
  ['GET', '/api/products/{id}', 25],
  ['GET', '/api/orders/{id}', 10],
  ['GET', '/static/app.js', 10],
  ['GET', '/search?q={q}', 8],
  ['POST', '/api/orders', 6],
  ['POST', '/pay', 4],
  ['GET', '/api/report', 2],
];
const pathTotal = PATHS.reduce((n, p) => n + p[2], 0);
const AGENTS = [
  'curl/8.5.0',
  'okhttp/4.12.0',
  'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
  'Go-http-client/1.1',
];
const WORDS = ['shoes', 'socks', 'hat', 'coat', 'bag'];

function request() {
  let r = random() * pathTotal;
  for (const [method, path, w] of PATHS) {
    r -= w;
    if (r < 0) {
      return {
        method,
        uri: path.replace('{id}', String(Math.floor(random() * 5000) + 1)).replace('{q}', pick(WORDS)),
      };
    }
  }
  return { method: 'GET', uri: '/' };
}

/** Diurnal traffic: quiet at 04:00, busiest at 16:00 (local). */
function rateShape(ms) {
  const hour = ((((ms + offsetMin * 60_000) % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000;
  let shape = 1 + 0.6 * Math.sin(((hour - 10) / 24) * 2 * Math.PI);
  if (storm && ms >= storm[0] && ms < storm[1]) shape *= 1.5;
  return shape;
}

let isoSecond = Number.NaN;
let isoText = '';
function iso(ms) {
  const sec = Math.floor(ms / 1000);
  if (sec !== isoSecond) {
    isoSecond = sec;
    const local = new Date(sec * 1000 + offsetMin * 60_000).toISOString().slice(0, 19);
    const abs = Math.abs(offsetMin);
    isoText = `${local}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }
  return isoText;
}

const TOPIC = '5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa';
const q = (v) => `"${v}"`;

/** One attempt: [status|'-', connect|'-', header|'-', response|'-', member]. */
function line(ms, f) {
  const up = f.attempts;
  const join = (k) => (up.length === 0 ? '-' : up.map((a) => a[k]).join(', '));
  const last = up[up.length - 1];
  const tls = f.scheme === 'https';
  return [
    (ms / 1000).toFixed(3),
    TOPIC,
    `[${iso(ms)}]`,
    'elb_01',
    `${f.client}:${f.port}`,
    String(f.status),
    q(`${f.method} ${f.scheme}://shop.example.com${f.uri} HTTP/1.1`),
    String(f.reqLen),
    String(f.bytes),
    String(f.body),
    f.requestTime === null ? '-' : s3(f.requestTime),
    q(join(0)),
    q(join(1)),
    q(join(2)),
    q(join(3)),
    q(up.length === 0 ? '-' : up.map((a) => a[4].addr).join(', ')),
    q(f.agent),
    '"-"',
    '"-"',
    'loadbalancer_shop',
    tls ? 'listener_tls' : 'listener_web',
    tls ? '2b6f0e1c3e' : '2b6f0e1c3d',
    up.length === 0 ? '-' : 'pool_web',
    q(last ? last[4].name : '-'),
    '9a8b7c6d5e',
    `198.51.100.10:${tls ? 443 : 80}`,
    q(last ? last[4].addr : '-'),
    tls ? 'cert_1 TLSv1.3 TLS_AES_128_GCM_SHA256 shop.example.com' : '- - - -',
    String(f.rtt),
    '-',
  ].join(' ');
}

function attemptOk(member, status, scale = 1) {
  const connect = lognormal(0.001, 0.4);
  const header = connect + lognormal(0.02 * member.speed * scale, 0.8);
  const response = header + lognormal(0.002, 0.6);
  return [String(status), s3(connect), s3(header), s3(response), member];
}

function generate(ms) {
  const { method, uri } = request();
  const f = {
    client: `203.0.113.${1 + Math.floor(random() * 250)}`,
    port: 1024 + Math.floor(random() * 60000),
    method,
    uri,
    scheme: random() < 0.6 ? 'https' : 'http',
    reqLen: 200 + Math.floor(random() * 600),
    agent: pick(AGENTS),
    rtt: Math.round(lognormal(20_000, 0.5)),
    status: 200,
    bytes: 0,
    body: 0,
    requestTime: 0,
    attempts: [],
  };
  const inStorm = storm && ms >= storm[0] && ms < storm[1];
  const inBurst = burst && ms >= burst[0] && ms < burst[1];
  const member = pick(members);
  const r = random();
  if (o.healthRate > 0 && r < o.healthRate) {
    f.method = 'GET';
    f.uri = '/health';
    f.scheme = 'http';
    f.agent = random() < 0.5 ? 'lbdoctor-health-check' : 'kube-probe/1.29';
    f.client = `100.125.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 250)}`;
    f.attempts = [attemptOk(member, 200, 0.1)];
  } else if (r < o.healthRate + o.lbErrorRate) {
    // Answered by the load balancer itself: nothing reached a backend (FAQ 1.5, 7.8).
    const [status, rt] = pick([
      [400, 0],
      [400, 0],
      [408, 60],
      [413, 0.2],
      [414, 0],
    ]);
    f.status = status;
    f.requestTime = rt;
    f.agent = random() < 0.5 ? '-' : f.agent;
    f.bytes = 150;
    return line(ms, f);
  } else if (inStorm && (f.uri === '/pay' || (f.method === 'POST' && random() < 0.5) || random() < 0.15)) {
    // be2 stalls; the client's 10 s timeout fires before any header comes back (FAQ 7.9).
    const slow = byName('be2');
    const connect = lognormal(0.001, 0.3);
    if (random() < 0.85) {
      const rt = 10 + random() * 0.05;
      f.status = 499;
      f.requestTime = rt;
      f.attempts = [['-', s3(connect), '-', s3(rt - connect - 0.001), slow]];
      return line(ms, f);
    }
    const a = attemptOk(slow, 200, 200);
    f.attempts = [a];
  } else if (inBurst && member === byName('be3')) {
    const be3 = member;
    const k = random();
    if (k < 0.45) {
      // Refused: GETs are retried on another member, others end as the LB's 502.
      if (f.method === 'GET') {
        const other = members.find((m) => m !== be3) ?? be3;
        f.attempts = [['502', '-', '-', '0.000', be3], attemptOk(other, 200)];
      } else {
        f.status = 502;
        f.attempts = [['-', '-', '-', '-', be3]];
      }
    } else if (k < 0.65) {
      f.status = 504;
      f.requestTime = 5 + random() * 0.01;
      f.attempts = [['-', '-', '-', '-', be3]];
    } else if (k < 0.9) {
      f.status = 503;
      f.attempts = [attemptOk(be3, 503, 0.2)];
    } else {
      f.attempts = [attemptOk(be3, 200, 2)];
    }
  } else if (r < o.healthRate + o.lbErrorRate + o.retryRate && members.length > 1) {
    const other = members[(members.indexOf(member) + 1) % members.length];
    f.attempts = [
      random() < 0.5 ? ['-', '0.001', '-', '0.002', member] : ['502', '0.001', '-', '0.001', member],
      attemptOk(other, 200),
    ];
  } else {
    const k = random();
    const status =
      k < 0.94 ? 200 : k < 0.965 ? 304 : k < 0.985 ? 404 : k < 0.992 ? 301 : k < 0.997 ? 500 : 503;
    f.attempts = [attemptOk(member, status, f.uri === '/api/report' ? 20 : 1)];
    if (status !== 200) f.status = status;
  }
  const last = f.attempts[f.attempts.length - 1];
  if (f.status === 200 && last[0] !== '-') f.status = Number(last[0]);
  if (f.requestTime === 0) {
    const upstream = f.attempts.reduce((n, a) => n + (a[3] === '-' ? 0 : Number(a[3])), 0);
    f.requestTime = upstream + lognormal(0.0005, 0.5);
  }
  f.body = f.status === 304 ? 0 : 100 + Math.floor(random() * 4000);
  f.bytes = f.body + 200;
  return line(ms, f);
}

function badLine(good) {
  const k = random();
  if (k < 0.5) return good.slice(0, Math.floor(good.length * (0.1 + random() * 0.5)));
  if (k < 0.8)
    return '203.0.113.5 - - [25/Nov/2026:08:20:00 +0800] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"';
  return good.replace(/ (\d{3}) "/, ' ok "');
}

async function main() {
  const target = o.out ? createWriteStream(o.out) : process.stdout;
  const gzip = o.gzip ? createGzip({ level: 6 }) : undefined;
  if (gzip) gzip.pipe(target);
  const out = gzip ?? target;
  // How many lines: given, or the size over the mean line length (measured on a sample).
  let lines = o.lines;
  let maxBytes = Number.POSITIVE_INFINITY;
  if (o.size !== undefined) {
    maxBytes = parseSize(o.size);
    let sample = 0;
    for (let i = 0; i < 2000; i++) sample += generate(startMs + i).length + 1;
    lines = Math.max(1, Math.ceil(maxBytes / (sample / 2000)));
  }
  lines ??= 10_000;
  // Bad lines at fixed positions drawn up front.
  const bad = new Set();
  while (bad.size < Math.min(o.badLines, lines)) bad.add(Math.floor(random() * lines));
  // Steps shrink where traffic is busy (lines per ms ∝ shape / step): scale them so the lines span the duration.
  let shapeSum = 0;
  for (let k = 0; k < 1000; k++) shapeSum += rateShape(startMs + (k + 0.5) * (durationMs / 1000));
  const meanStep = (durationMs / lines) * (shapeSum / 1000);
  let ms = startMs;
  let bytes = 0;
  let chunk = [];
  let chunkBytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
    chunk = [];
    chunkBytes = 0;
  };
  for (let i = 0; i < lines && bytes < maxBytes; i++) {
    let text = generate(Math.round(ms));
    if (bad.has(i)) text = badLine(text);
    chunk.push(text);
    chunkBytes += text.length + 1;
    bytes += text.length + 1;
    if (chunkBytes >= 1 << 20) await flush();
    ms += (meanStep / rateShape(ms)) * (0.5 + random());
  }
  await flush();
  out.end();
  if (o.out) await once(target, 'finish');
  else if (gzip) await once(gzip, 'end');
}

await main();
