import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, it, onTestFinished } from 'vitest';
import { closedUdpPort } from '../../../src/lab/scenarios/free-port.js';
import { udpProbe as unchecked } from '../../../src/probes/udp.js';
import type { Dialer } from '../../../src/transport/types.js';
import { checked } from '../../helpers/contracts.js';
import { localContext } from '../../helpers/net-servers.js';

/** Every observation below is checked against the udp contract (src/probes/contracts/udp.ts). */
const udpProbe = checked(unchecked);

async function bindUdp(onMessage?: (socket: Socket, msg: Buffer, port: number, address: string) => void) {
  const socket = createSocket('udp4');
  if (onMessage) socket.on('message', (msg, rinfo) => onMessage(socket, msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { socket, port: socket.address().port };
}

const run = (params: Record<string, unknown>) => udpProbe.run(udpProbe.params.parse(params), localContext());

describe('udp probe', () => {
  it('passes with state open when the port answers', async () => {
    const { port } = await bindUdp((s, msg, p, a) =>
      s.send(Buffer.concat([Buffer.from('echo:'), msg]), p, a),
    );
    const obs = await run({ host: '127.0.0.1', port, payload: 'ping' });
    expect(obs.outcome).toBe('pass');
    expect(obs.data.state).toBe('open');
    expect(obs.data.reply).toBe('echo:ping');
  });

  it('fails with state closed on ICMP port unreachable', async () => {
    const obs = await run({ host: '127.0.0.1', port: await closedUdpPort() });
    expect(obs.outcome).toBe('fail');
    expect(obs.data.state).toBe('closed');
    expect(obs.summary).toMatch(/port unreachable/);
  });

  it('calls silence open|filtered after every attempt', async () => {
    const got: Buffer[] = [];
    const { port } = await bindUdp((_s, msg) => got.push(msg));
    const obs = await run({ host: '127.0.0.1', port, attempts: 2, waitMs: 100, payloadHex: '0001ff' });
    expect(obs.data.state).toBe('open|filtered');
    expect(obs.data.sent).toBe(2);
    expect(got.map((b) => b.toString('hex'))).toEqual(['0001ff', '0001ff']);
  });

  it('burst mode counts one unreachable per datagram on loopback (never rate limited)', async () => {
    const obs = await run({
      host: '127.0.0.1',
      port: await closedUdpPort(),
      burst: 30,
      intervalMs: 2,
      waitMs: 100,
    });
    expect(obs.data.mode).toBe('burst');
    expect(obs.data.state).toBe('closed');
    expect(obs.data.sent).toBe(30);
    expect(obs.data.unreachable).toBe(30);
    expect(obs.data.rateLimited).toBe(false);
    expect(obs.outcome).toBe('pass');
  });

  it('burst mode in a tight loop still counts every unreachable (send-callback path included)', async () => {
    const obs = await run({
      host: '127.0.0.1',
      port: await closedUdpPort(),
      burst: 50,
      intervalMs: 0,
      waitMs: 100,
    });
    expect(obs.data.state).toBe('closed');
    expect(obs.data.sent).toBe(50);
    expect(obs.data.unreachable).toBe(50);
  });

  it('burst mode counts replies from an open port', async () => {
    const { port } = await bindUdp((s, msg, p, a) => s.send(msg, p, a));
    const obs = await run({ host: '127.0.0.1', port, burst: 10, intervalMs: 1, waitMs: 100 });
    expect(obs.data.state).toBe('open');
    expect(obs.data.replies).toBe(10);
  });

  it('is skip from a non-local dialer: UDP does not go through SSH forwarding', async () => {
    const ssh: Dialer = {
      vantage: 'ssh://root@10.0.0.2:22',
      connect: () => Promise.reject(new Error('not used')),
    };
    const obs = await udpProbe.run(udpProbe.params.parse({ host: '10.0.0.5', port: 53 }), {
      ...localContext(),
      dialer: ssh,
    });
    expect(obs.outcome).toBe('skip');
    expect(obs.reason).toMatch(/UDP cannot be forwarded/);
  });

  it('is an error when the name does not resolve', async () => {
    const obs = await run({ host: 'no-such-host.invalid', port: 53 });
    expect(obs.outcome).toBe('error');
    expect(obs.data.state).toBe('dns-error');
  });
});
