// Reading logs: plain, gzip (by its bytes, whatever the name), stdin, several
// files; bad lines counted and sampled with file:line; a file mostly not in the
// layout is bad input (exit 2); the reference LB's own log reads back.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLogEntry } from '../../../src/accesslog/format.js';
import { openAccessLog } from '../../../src/accesslog/writer.js';
import { ExitCode, InputError } from '../../../src/errors.js';
import { summariseLogs } from '../../../src/logs/read.js';
import { DOC_LINE_200, DOC_LINE_499, generate } from './helpers.js';

let dir: string;
let plain: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-logs-'));
  plain = generate(['--lines', '2000', '--seed', '21', '--storm-499', '12:00/1h', '--retry-rate', '0.02']);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = async (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
};

describe('summariseLogs', () => {
  it('reads the documented lines', async () => {
    const s = await summariseLogs([await file('doc.log', `${DOC_LINE_200}\n${DOC_LINE_499}\n`)]);
    expect(s).toMatchObject({ kind: 'lbdoctor.logs', version: 1 });
    expect(s.lines).toEqual({ total: 2, records: 2, blank: 0, bad: 0 });
    // Times come from msec (the documented example's msec is a year before its time_iso8601).
    expect(s.time).toMatchObject({ first: '2025-11-25T08:20:00.125+08:00', offset: '+08:00' });
    expect(s.clientClosed).toMatchObject({ count: 1, waitingForBackend: 1 });
    expect(s.clientClosed.waitingOn[0]).toMatchObject({ address: '10.0.1.13:8080', name: 'be2' });
  });

  it('recognises gzip by its magic bytes, not its name, and reads it like the plain file', async () => {
    const a = await summariseLogs([await file('plain.log', plain)]);
    const b = await summariseLogs([await file('looks-plain.log', gzipSync(plain))]);
    expect(b.files[0]?.compression).toBe('gzip');
    expect({ ...b, files: [] }).toEqual({ ...a, files: [] });
    // Concatenated gzip members (logrotate, cat a.gz b.gz) are one stream.
    const twice = await summariseLogs([
      await file('twice.gz', Buffer.concat([gzipSync(plain), gzipSync(plain)])),
    ]);
    expect(twice.lines.records).toBe(2 * a.lines.records);
  });

  it('reads stdin for -, plain or gzip, beside files', async () => {
    const s = await summariseLogs(['-', await file('again.log', plain)], {
      stdin: Readable.from([gzipSync(plain)]),
    });
    expect(s.files.map((f) => [f.name, f.compression, f.records])).toEqual([
      ['-', 'gzip', 2000],
      [join(dir, 'again.log'), 'none', 2000],
    ]);
    expect(s.lines.records).toBe(4000);
  });

  it('counts and samples a few bad lines with file:line instead of failing', async () => {
    const lines = plain.toString('latin1').split('\n');
    lines.splice(10, 0, 'garbage');
    lines.splice(500, 0, '');
    lines.splice(1200, 0, lines[5]!.replace(' 200 "', ' ok "'));
    const p = await file('some-bad.log', lines.join('\r\n'));
    const s = await summariseLogs([p]);
    expect(s.lines).toMatchObject({ total: 2003, records: 2000, blank: 1, bad: 2 });
    expect(s.badLines.samples).toEqual([
      { file: p, line: 11, field: 'access_log_topic_id', message: expect.stringContaining('only 1 fields') },
      { file: p, line: 1201, field: 'status', message: 'status: "ok" is not a whole number' },
    ]);
  });

  it('refuses a file that is mostly not an ELB access log (exit 2), naming file, line and field', async () => {
    const nginx = Array.from(
      { length: 50 },
      (_, i) =>
        `203.0.113.5 - - [25/Nov/2026:08:20:${String(i).padStart(2, '0')} +0800] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"`,
    );
    const p = await file('combined.log', `${DOC_LINE_200}\n${nginx.join('\n')}\n`);
    const err = await summariseLogs([p]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.exitCode).toBe(ExitCode.badInput);
    expect(e.message).toBe(`${p}: 50 of 51 lines are not ELB access-log lines`);
    expect(e.problems).toHaveLength(5);
    expect(e.problems[0]).toMatchObject({
      file: p,
      line: 2,
      field: 'body_bytes_sent',
      message: expect.stringContaining('only 9 fields; an ELB access-log line has 33'),
    });
  });

  it('refuses a missing file, and a file that says gzip but is broken', async () => {
    await expect(summariseLogs([join(dir, 'nope.log')])).rejects.toMatchObject({
      code: 'LBD_ERR_FILE',
      exitCode: 2,
    });
    const broken = gzipSync(plain).subarray(0, 200);
    await expect(summariseLogs([await file('broken.gz', broken)])).rejects.toMatchObject({ exitCode: 2 });
  });

  it('reads what the reference load balancer writes (src/accesslog/writer.ts)', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const log = openAccessLog(out);
    const base: AccessLogEntry = {
      at: Date.parse('2026-11-25T10:00:00Z'),
      topicId: null,
      clientAddress: '127.0.0.1',
      clientPort: 40000,
      status: 200,
      method: 'GET',
      scheme: 'http',
      host: 'lab.example',
      uri: '/',
      protocol: 'HTTP/1.1',
      requestLength: 80,
      bytesSent: 200,
      bodyBytesSent: 2,
      requestTime: 0.004,
      upstream: [
        { status: 200, connectTime: 0.001, headerTime: 0.003, responseTime: 0.004, addr: '127.0.0.1:9001' },
      ],
      userAgent: 'curl/8',
      referer: null,
      xForwardedFor: null,
      lbName: null,
      listenerName: null,
      listenerId: null,
      poolName: 'pool',
      memberName: 'be1',
      tenantId: null,
      eipAddress: null,
      eipPort: null,
      upstreamAddrPriv: '127.0.0.1:9001',
      certificateId: null,
      sslProtocol: null,
      sslCipher: null,
      sniDomainName: null,
      tcpinfoRtt: null,
      selfDefinedHeader: null,
    };
    const refused = {
      status: null,
      connectTime: null,
      headerTime: null,
      responseTime: null,
      addr: '127.0.0.1:9002',
    };
    log.write(base);
    log.write({ ...base, at: base.at + 1000, status: 502, upstream: [refused], memberName: 'be2' });
    log.write({ ...base, at: base.at + 2000, upstream: [refused, base.upstream[0]!] });
    log.write({
      ...base,
      at: base.at + 3000,
      status: 400,
      method: '-',
      host: '-',
      uri: '-',
      protocol: '-',
      upstream: [],
      requestTime: null,
      poolName: null,
      memberName: null,
    });
    log.write({
      ...base,
      at: base.at + 4000,
      status: 499,
      requestTime: 5,
      upstream: [
        { status: null, connectTime: 0.001, headerTime: null, responseTime: null, addr: '127.0.0.1:9001' },
      ],
    });
    log.write({ ...base, at: base.at + 5000, userAgent: 'odd "agent"\twith \\ escapes' });
    await log.close();
    out.end();
    const s = await summariseLogs(['-'], { stdin: Readable.from(chunks) });
    expect(s.lines).toMatchObject({ records: 6, bad: 0 });
    expect(Object.fromEntries(s.status.rules.map((r) => [r.id, r.count]))).toEqual({
      'client-closed': 1,
      'no-upstream': 1,
      'upstream-no-status': 1,
      'status-differs': 0,
      'upstream-status': 3,
    });
    expect(s.retries).toMatchObject({
      lines: 1,
      routes: [{ from: '127.0.0.1:9002', to: '127.0.0.1:9001', count: 1 }],
    });
    const be2 = s.members.list.find((m) => m.address === '127.0.0.1:9002');
    expect(be2).toMatchObject({ name: 'be2', attempts: 2, noStatus: 2 });
    expect(s.clientClosed).toMatchObject({ count: 1, waitingForBackend: 1 });
  });
});
