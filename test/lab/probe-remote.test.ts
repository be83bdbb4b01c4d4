// `lbdoctor probe --host`: network probes run from a backend through SSH
// forwarding (the SSH dialer), host probes read the backend over SSH, and UDP
// says it cannot be forwarded. A real sshd in a lab namespace; run
// `npm run build` first. Needs root, `ip netns`, sshd.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { labSupport } from '../../src/lab/netns.js';
import { useSshProbeHost } from '../helpers/ssh-probe-host.js';

const support = await labSupport();
const why = !support.ok ? support.reason : !existsSync('/usr/sbin/sshd') ? 'no /usr/sbin/sshd' : undefined;
if (why) console.warn(`skipping probe --host lab test: ${why}`);

const _bin = fileURLToPath(new URL('../../bin/lbdoctor.js', import.meta.url));

describe.skipIf(why !== undefined)('lbdoctor probe --host ssh://…', () => {
  const be1 = useSshProbeHost();
  const probe = be1.probe;

  it('connects from the backend: its own sshd is open, a closed loopback port is refused', async () => {
    const open = await probe(['tcp', '--target', `${be1.host().address}:${be1.sshd().port}`]);
    expect(open.exitCode, open.stderr).toBe(0);
    const openOut = JSON.parse(open.stdout);
    expect(openOut.vantage).toMatch(/^ssh:\/\/root@/);
    expect(openOut.observation.data.state).toBe('open');
    const closed = await probe(['tcp', '--target', '127.0.0.1:1']);
    expect(closed.exitCode, closed.stderr).toBe(1);
    expect(JSON.parse(closed.stdout).observation.data.state).toBe('refused');
  }, 60_000);

  it('runs http over the forwarded stream to a server only the backend can reach (its loopback)', async () => {
    const server = execa(
      'ip',
      [
        'netns',
        'exec',
        be1.host().ns,
        process.execPath,
        '-e',
        [
          "require('net').createServer((c)=>{c.on('error',()=>{});c.once('data',()=>c.end('HTTX/1.1 200 OK\\r\\n\\r\\n'))}).listen(18081,'127.0.0.1');",
          "require('http').createServer((q,s)=>{s.setHeader('x-router-code','50000');s.writeHead(503);s.end('down')}).listen(18080,'127.0.0.1',()=>console.log('up'))",
        ].join(''),
      ],
      { reject: false, timeout: 60_000 },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout?.once('data', () => resolve());
        server.once('exit', () => reject(new Error('test server exited')));
      });
      const http = await probe(['http', '--target', '127.0.0.1:18080', '--expect-status', '5xx']);
      expect(http.exitCode, http.stderr).toBe(0);
      const obs = JSON.parse(http.stdout).observation;
      expect(obs.data.status).toBe(503);
      expect(obs.data.routerCode).toBe('50000');
      expect(obs.data.body).toBe('down');
      // A malformed answer stays malformed through SSH (not "closed": the channel is read eagerly).
      const bad = await probe(['http', '--target', '127.0.0.1:18081']);
      expect(bad.exitCode, bad.stderr).toBe(3);
      expect(JSON.parse(bad.stdout).observation.data.error.kind).toBe('malformed-response');
    } finally {
      server.kill();
    }
  }, 60_000);

  it('runs tls over the forwarded stream (sshd does not speak TLS)', async () => {
    const tls = await probe(['tls', '--target', `${be1.host().address}:${be1.sshd().port}`]);
    expect(tls.exitCode, tls.stderr).toBe(1);
    const obs = JSON.parse(tls.stdout).observation;
    expect(obs.data.layer).toBe('handshake');
    expect(obs.data.handshake.meaning).toBe('not-tls');
  }, 60_000);

  it('is skip (exit 3) for udp: SSH forwards TCP only', async () => {
    const r = await probe(['udp', '--target', '127.0.0.1:53']);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(JSON.parse(r.stdout).observation.outcome).toBe('skip');
  }, 60_000);

  it('reads a host probe on the backend over SSH', async () => {
    await be1.host().exec(['sysctl', '-w', 'net.ipv4.icmp_ratemask=6160']);
    const r = await probe(['icmp-settings']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).observation.data.icmp_ratemask).toBe(6160);
  }, 60_000);
});
