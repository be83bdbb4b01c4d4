// `lbdoctor probe` as a user runs it: the built CLI (run `npm run build` first).
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { closedPort, listenTcp } from '../../helpers/net-servers.js';

const bin = fileURLToPath(new URL('../../../bin/lbdoctor.js', import.meta.url));
const lbdoctor = (args: string[]) => execa('node', [bin, ...args], { reject: false, timeout: 20_000 });

describe('lbdoctor probe', () => {
  it('prints a passing tcp observation as JSON and exits 0', async () => {
    const { port } = await listenTcp(() => {});
    const r = await lbdoctor(['probe', 'tcp', '--target', `127.0.0.1:${port}`, '--format', 'json']);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as {
      kind: string;
      vantage: string;
      observation: { outcome: string; data: { state: string } };
    };
    expect(out.kind).toBe('tcp');
    expect(out.vantage).toBe('local');
    expect(out.observation.outcome).toBe('pass');
    expect(out.observation.data.state).toBe('open');
  });

  it('exits 1 on a refused port and says RST in text', async () => {
    const port = await closedPort();
    const r = await lbdoctor(['probe', 'tcp', '--target', `127.0.0.1:${port}`]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}tcp: .*RST/);
    expect(r.stdout).toContain('state: refused');
  });

  it('exits 3 when the probe could not check (no such name)', async () => {
    const r = await lbdoctor(['probe', 'tcp', '--target', 'no-such-host.invalid:80', '--format', 'json']);
    expect(r.exitCode).toBe(3);
    expect(JSON.parse(r.stdout).observation.data.state).toBe('dns-error');
  });

  it('runs http with named flags and --with, exit 1 when the status does not match', async () => {
    const { port } = await listenTcp((socket) =>
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\nx-router-code: 50000\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        ),
      ),
    );
    const r = await lbdoctor([
      'probe',
      'http',
      '--target',
      `127.0.0.1:${port}`,
      '--with',
      'path=/health',
      '--expect-status',
      '2xx',
      '--format',
      'json',
    ]);
    expect(r.exitCode).toBe(1);
    const obs = JSON.parse(r.stdout).observation;
    expect(obs.data.status).toBe(503);
    expect(obs.data.routerCode).toBe('50000');
  });

  it('never prints cookies: set-cookie values and cookie parameters are redacted in both formats', async () => {
    const { port } = await listenTcp((socket) =>
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 200 OK\r\nSet-Cookie: SERVERID=s3cr3t-from-server; Path=/\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
        ),
      ),
    );
    for (const format of ['json', 'text']) {
      const r = await lbdoctor([
        'probe',
        'http',
        '--target',
        `127.0.0.1:${port}`,
        '--with',
        'cookies={"sid":"s3cr3t-from-user"}',
        '--format',
        format,
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('s3cr3t');
      expect(r.stdout).toContain('[REDACTED]');
    }
  });

  it.each([
    [['probe', 'tcp', '--target', '127.0.0.1:99999'], /not host:port/],
    [['probe', 'tcp', '--target', 'just-a-host'], /not host:port/],
    [['probe', 'tcp', '--target', '127.0.0.1:80', '--with', 'port="x"'], /port/],
    [['probe', 'tcp', '--target', '127.0.0.1:80', '--url', 'http://x/'], /does not apply/],
    [['probe', 'nope'], /unknown probe "nope"/],
    [['probe', 'tcp', '--target', '127.0.0.1:80', '--format', 'xml'], /unknown format/],
    [['probe', 'tcp', '--target', '127.0.0.1:80', '--timeout', 'soon'], /not a duration/],
  ])('%j is bad usage: exit 2', async (args, message) => {
    const r = await lbdoctor(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
