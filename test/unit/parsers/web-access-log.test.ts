// nginx combined and Apache common/combined lines, captured from the real
// servers on loopback (test/fixtures/host-outputs/capture-web-access.sh), and
// lines that are neither.
import { describe, expect, it } from 'vitest';
import {
  parseLogTime,
  parseWebAccessLine,
  parseWebAccessLog,
  targetPath,
} from '../../../src/probes/parsers/web-access-log.js';
import { fixture } from './fixture.js';

// 28/Nov/2026:09:47:41 +0000, the capture's first second.
const T0 = Date.UTC(2026, 10, 28, 9, 47, 41) / 1000;

describe('parseWebAccessLog', () => {
  it('reads every line of nginx combined (its default format), quotes escaped as \\x22', () => {
    const log = parseWebAccessLog(fixture('web-access.nginx-combined.log'));
    expect(log.lines).toBe(28);
    expect(log.unparsed).toEqual([]);
    expect(log.records.every((r) => r.format === 'combined' && !r.subSecond)).toBe(true);
    expect(log.records[0]).toEqual({
      line: 1,
      format: 'combined',
      source: '127.0.0.2',
      user: null,
      timeText: '28/Nov/2026:09:47:41 +0000',
      time: T0,
      subSecond: false,
      request: 'GET /health HTTP/1.1',
      method: 'GET',
      target: '/health',
      protocol: 'HTTP/1.1',
      status: 200,
      bytes: 3,
      referer: null,
      userAgent: 'ELB-HealthChecker/2.0',
    });
    const quoted = log.records.find((r) => r.userAgent?.includes('quoted'));
    expect(quoted?.userAgent).toBe('Mozilla "quoted" agent');
    expect(log.records.find((r) => r.referer)?.referer).toBe('http://example.com/start');
    expect(log.records.find((r) => r.source === '::1')).toMatchObject({ method: 'GET', target: '/' });
    // A request line that is not HTTP still makes a line, with no method or target.
    expect(log.records.find((r) => r.status === 400)).toMatchObject({
      request: 'GARBAGE',
      method: null,
      target: null,
      protocol: null,
    });
    expect(log.records.filter((r) => r.method === 'HEAD').map((r) => r.bytes)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reads Apache common and combined: "-" for no bytes, \\" inside a field', () => {
    const common = parseWebAccessLog(fixture('web-access.apache-common.log'));
    expect(common.lines).toBe(27);
    expect(common.unparsed).toEqual([]);
    expect(common.records.every((r) => r.format === 'common' && !('userAgent' in r))).toBe(true);
    expect(common.records.filter((r) => r.method === 'HEAD').every((r) => r.bytes === null)).toBe(true);
    const combined = parseWebAccessLog(fixture('web-access.apache-combined.log'));
    expect(combined.unparsed).toEqual([]);
    expect(combined.records.every((r) => r.format === 'combined')).toBe(true);
    expect(combined.records.find((r) => r.userAgent?.includes('quoted'))?.userAgent).toBe(
      'Mozilla "quoted" agent',
    );
    // The same requests in both: source, time, request and status agree line by line.
    const key = (r: { source: string; time: number; request: string; status: number }) =>
      `${r.source} ${r.time} ${r.request} ${r.status}`;
    expect(combined.records.map(key)).toEqual(common.records.map(key));
  });

  it('reads a fraction of a second (Apache %{msec_frac}t)', () => {
    const log = parseWebAccessLog(fixture('web-access.apache-common-msec.log'));
    expect(log.unparsed).toEqual([]);
    expect(log.records.every((r) => r.subSecond)).toBe(true);
    expect(log.records[0]!.time).toBeCloseTo(T0 + 0.145, 6);
    expect(log.records[1]!.time).toBeCloseTo(T0 + 0.841, 6);
  });

  it('keeps lines in neither format apart, with their line numbers', () => {
    const good = fixture('web-access.nginx-combined.log').split('\n')[0]!;
    const text = [
      good,
      '',
      good.slice(0, 40), // cut off mid-line
      '2026/11/28 09:47:41 [error] 1234#1234: *1 open() "/www/x" failed (2: No such file or directory)',
      '{"time":"2026-11-28T09:47:41Z","status":200}',
      '127.0.0.2 - - [28/Nov/2026:09:47:41] "GET / HTTP/1.1" 200 3', // no zone
      '127.0.0.2 - - [31/Foo/2026:09:47:41 +0000] "GET / HTTP/1.1" 200 3', // no such month
      '127.0.0.2 - - [28/Nov/2026:09:47:41 +0000] "GET / HTTP/1.1" 2000 3', // four-digit status
      '127.0.0.2 - - [28/Nov/2026:09:47:41 +0000] "GET / HTTP/1.1" 200 3 "-"', // referer without agent
      '127.0.0.2 - - [28/Nov/2026:09:47:41 +0000] "GET / HTTP/1.1" 200 3 "-" "curl" "10.0.0.9"', // nginx main
    ].join('\n');
    const log = parseWebAccessLog(text);
    expect(log.lines).toBe(9);
    expect(log.records.map((r) => r.line)).toEqual([1, 10]);
    expect(log.records[1]).toMatchObject({ format: 'combined', userAgent: 'curl' });
    expect(log.unparsed.map((u) => u.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('parseLogTime', () => {
  it('applies the zone offset', () => {
    expect(parseLogTime('10/Oct/2000:13:55:36 -0700')).toEqual({
      time: Date.UTC(2000, 9, 10, 20, 55, 36) / 1000,
      subSecond: false,
    });
    expect(parseLogTime('10/Oct/2000:13:55:36 +0530')?.time).toBe(Date.UTC(2000, 9, 10, 8, 25, 36) / 1000);
    expect(parseLogTime('10/Oct/2000:25:55:36 +0000')).toBeUndefined();
  });
});

describe('targetPath', () => {
  it("drops the query string and an absolute URI's scheme and host", () => {
    expect(targetPath('/health?verbose=1')).toBe('/health');
    expect(targetPath('/health')).toBe('/health');
    expect(targetPath('http://10.0.0.5:80/health?x')).toBe('/health');
    expect(targetPath('http://10.0.0.5')).toBe('/');
  });
});

describe('parseWebAccessLine', () => {
  it("parses one line on its own (the Apache documentation's example)", () => {
    expect(
      parseWebAccessLine(
        '10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      ),
    ).toMatchObject({ user: 'frank', format: 'common', bytes: 2326 });
  });
});
