// The ELB access-log line: parse the documented examples (shared/elb-access-log.md),
// and parse back what the reference load balancer writes.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answeredByLoadBalancer } from '../../../src/accesslog/elb-line.js';
import { formatElbAccessLogLine } from '../../../src/accesslog/format.js';
import {
  parseElbAccessLog,
  parseElbAccessLogLine,
  tokenizeAccessLogLine,
} from '../../../src/accesslog/parse.js';
import { openAccessLog } from '../../../src/accesslog/writer.js';
import { InputError } from '../../../src/errors.js';
import { accessLogEntry } from '../../helpers/elb-log.js';

const DOC_LINE_1 =
  '1764030000.125 5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa [2026-11-25T08:20:00+08:00] elb_01 203.0.113.7:51234 200 "GET http://shop.example.com/cart HTTP/1.1" 512 880 420 0.034 "200" "0.001" "0.033" "0.034" "10.0.1.12:8080" "curl/8.5.0" "-" "-" loadbalancer_shop listener_web 2b6f0e1c3d pool_web "be1" 9a8b7c6d5e 198.51.100.10:80 "10.0.1.12:8080" - - - - 1520 -';
const DOC_LINE_2 =
  '1764030001.980 5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa [2026-11-25T08:20:01+08:00] elb_01 203.0.113.9:40022 499 "POST https://shop.example.com/pay HTTP/1.1" 1024 0 0 10.001 "-" "0.001" "-" "-" "10.0.1.13:8080" "okhttp/4.12.0" "-" "-" loadbalancer_shop listener_tls 2b6f0e1c3e pool_web "be2" 9a8b7c6d5e 198.51.100.10:443 "10.0.1.13:8080" cert_1 TLSv1.3 TLS_AES_128_GCM_SHA256 shop.example.com 48210 -';

describe('parseElbAccessLogLine', () => {
  it('reads the documented 200 line', () => {
    const r = parseElbAccessLogLine(DOC_LINE_1);
    expect(tokenizeAccessLogLine(DOC_LINE_1)).toHaveLength(33);
    expect(r).toMatchObject({
      msec: 1764030000.125,
      topicId: '5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa',
      time: '2026-11-25T08:20:00+08:00',
      logVersion: 'elb_01',
      clientAddress: '203.0.113.7',
      clientPort: 51234,
      status: 200,
      method: 'GET',
      scheme: 'http',
      host: 'shop.example.com',
      uri: '/cart',
      protocol: 'HTTP/1.1',
      requestLength: 512,
      bytesSent: 880,
      bodyBytesSent: 420,
      requestTime: 0.034,
      userAgent: 'curl/8.5.0',
      referer: null,
      lbName: 'loadbalancer_shop',
      listenerName: 'listener_web',
      poolName: 'pool_web',
      memberName: 'be1',
      eipAddress: '198.51.100.10',
      eipPort: 80,
      certificateId: null,
      tcpinfoRtt: 1520,
    });
    expect(r.upstream).toEqual([
      { status: 200, connectTime: 0.001, headerTime: 0.033, responseTime: 0.034, addr: '10.0.1.12:8080' },
    ]);
    expect(answeredByLoadBalancer(r)).toBe(false);
  });

  it('reads the documented 499 line (client left, FAQ 7.9)', () => {
    const r = parseElbAccessLogLine(DOC_LINE_2);
    expect(r.status).toBe(499);
    expect(r.scheme).toBe('https');
    expect(r.requestTime).toBe(10.001);
    expect(r.upstream).toEqual([
      { status: null, connectTime: 0.001, headerTime: null, responseTime: null, addr: '10.0.1.13:8080' },
    ]);
    expect([r.certificateId, r.sslProtocol, r.sslCipher, r.sniDomainName]).toEqual([
      'cert_1',
      'TLSv1.3',
      'TLS_AES_128_GCM_SHA256',
      'shop.example.com',
    ]);
    expect(r.tcpinfoRtt).toBe(48210);
  });

  it('reads retries as one attempt per value', () => {
    const line = DOC_LINE_1.replace(
      '"200" "0.001" "0.033" "0.034" "10.0.1.12:8080"',
      '"502, 200" "0.001, 0.002" "0.010, 0.033" "0.010, 0.034" "10.0.1.11:8080, 10.0.1.12:8080"',
    );
    const r = parseElbAccessLogLine(line);
    expect(r.upstream.map((u) => [u.status, u.addr])).toEqual([
      [502, '10.0.1.11:8080'],
      [200, '10.0.1.12:8080'],
    ]);
  });

  it('tolerates lines without the trailing fields', () => {
    const short = tokenizeAccessLogLine(DOC_LINE_1).slice(0, 16);
    const r = parseElbAccessLogLine(DOC_LINE_1.split(' "curl/8.5.0"')[0] ?? '');
    expect(short).toHaveLength(16);
    expect(r.status).toBe(200);
    expect([r.userAgent, r.lbName, r.tcpinfoRtt]).toEqual([null, null, null]);
  });

  it('says which line and field it cannot read', () => {
    const bad = DOC_LINE_1.replace(' 200 "GET', ' OK "GET');
    const { records, errors } = parseElbAccessLog(`${DOC_LINE_1}\n\n${bad}\n${DOC_LINE_2}\n`, 'elb.log');
    expect(records).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InputError);
    expect(errors[0]?.problems[0]).toMatchObject({ file: 'elb.log', line: 3, field: 'status' });
    expect(() => parseElbAccessLogLine('1764030000.125 x [t] elb_01', 7)).toThrow(/line 7/);
    expect(() => parseElbAccessLogLine(`${DOC_LINE_1.slice(0, 120)}`, 2)).toThrow(/line 2/);
  });
});

describe('formatElbAccessLogLine', () => {
  it('writes what the parser reads back, field for field', () => {
    const e = accessLogEntry();
    const line = formatElbAccessLogLine(e);
    expect(tokenizeAccessLogLine(line)).toHaveLength(33);
    const r = parseElbAccessLogLine(line);
    expect(r).toMatchObject({
      msec: 1764030000.125,
      logVersion: 'elb_01',
      clientAddress: '127.0.0.1',
      clientPort: 40000,
      status: 200,
      method: 'GET',
      host: 'a.example.com',
      uri: '/x?y=1',
      requestTime: 0.012,
      userAgent: 'curl/8',
      referer: null,
      memberName: 'm0',
      eipAddress: '198.51.100.10',
      eipPort: 80,
    });
    expect(r.upstream).toEqual(e.upstream);
    expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  it('writes "-" upstream fields when the load balancer answered itself, and several on retry', () => {
    const own = parseElbAccessLogLine(
      formatElbAccessLogLine(accessLogEntry({ status: 503, upstream: [], memberName: null })),
    );
    expect(own.upstream).toEqual([]);
    expect(answeredByLoadBalancer(own)).toBe(true);
    const retried = parseElbAccessLogLine(
      formatElbAccessLogLine(
        accessLogEntry({
          upstream: [
            { status: null, connectTime: null, headerTime: null, responseTime: null, addr: '127.0.0.1:1' },
            { status: 200, connectTime: 0.001, headerTime: 0.002, responseTime: 0.003, addr: '127.0.0.1:2' },
          ],
        }),
      ),
    );
    expect(retried.upstream.map((u) => [u.status, u.addr])).toEqual([
      [null, '127.0.0.1:1'],
      [200, '127.0.0.1:2'],
    ]);
  });

  it('escapes quotes, backslashes and control bytes so a hostile header cannot split or shift fields', () => {
    const ua = 'evil" 200 "x\\y\nnext line\t';
    const line = formatElbAccessLogLine(accessLogEntry({ userAgent: ua, referer: 'r e f' }));
    expect(line).not.toContain('\n');
    expect(tokenizeAccessLogLine(line)).toHaveLength(33);
    const r = parseElbAccessLogLine(line);
    expect(r.userAgent).toBe(ua);
    expect(r.referer).toBe('r e f');
    expect(r.status).toBe(200);
  });

  it('the writer emits one line per entry', async () => {
    const sink = new PassThrough();
    let text = '';
    sink.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const w = openAccessLog(sink);
    w.write(accessLogEntry());
    w.write(accessLogEntry({ status: 499, upstream: [] }));
    await w.close();
    const { records, errors } = parseElbAccessLog(text);
    expect(errors).toEqual([]);
    expect(records.map((r) => r.status)).toEqual([200, 499]);
  });
});
