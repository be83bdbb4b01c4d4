import dgram from 'node:dgram';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Listener as ListenerSchema, Pool as PoolSchema } from '../../../src/model/inventory.js';
import { startUdpListener } from '../../../src/reference/l4/index.js';
import type { L4ConnectionEvent } from '../../../src/reference/l4/types.js';
import { Pool } from '../../../src/reference/pool.js';
import { closedUdpPort, udpServer, waitFor } from './helpers.js';

async function lb(
  ports: number[],
  listenerExtra: Record<string, unknown> = {},
  poolExtra: Record<string, unknown> = {},
) {
  const pool = new Pool(
    PoolSchema.parse({
      id: 'udp-pool',
      protocol: 'UDP',
      members: ports.map((p) => ({ address: '127.0.0.1', protocol_port: p })),
      ...poolExtra,
    }),
    { lbType: 'dedicated' },
  );
  const events: L4ConnectionEvent[] = [];
  const handle = await startUdpListener({
    listener: ListenerSchema.parse({ name: 'udp', protocol: 'UDP', protocol_port: 1, ...listenerExtra }),
    pool,
    bindAddress: '127.0.0.1',
    port: 0,
    onConnection: (e) => events.push(e),
  });
  onTestFinished(async () => {
    await handle.close();
    pool.close();
  });
  return { pool, handle, events, port: handle.address.port };
}

/** A client socket on its own port (= its own flow). */
async function client(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return s;
}

function ask(s: dgram.Socket, port: number, text: string, ms = 3000): Promise<string> {
  const reply = waitFor<string>(
    (done) => s.once('message', (m) => done(m.toString())),
    ms,
    `reply to ${text}`,
  );
  s.send(text, port, '127.0.0.1');
  return reply;
}

const tagged = (tag: string) => (m: Buffer) => Buffer.from(`${tag}:${m.toString()}`);

describe('UDP listener', () => {
  it('relays datagrams and replies, keeping a flow on one member', async () => {
    const a = await udpServer(tagged('a'));
    const b = await udpServer(tagged('b'));
    const { port, handle } = await lb([a.port, b.port]);
    const c1 = await client();
    const c2 = await client();
    const first = await ask(c1, port, 'one');
    expect(await ask(c1, port, 'two')).toBe(`${first.split(':')[0]}:two`);
    expect(await ask(c1, port, 'three')).toBe(`${first.split(':')[0]}:three`);
    // A new flow (another client port) goes to the other member by round robin.
    const other = await ask(c2, port, 'hi');
    expect(other.split(':')[0]).not.toBe(first.split(':')[0]);
    expect(handle.active()).toBe(2);
    expect(a.received.length + b.received.length).toBe(4);
  });

  it('forgets a flow idle past keepalive_timeout (FAQ 5.6)', async () => {
    const a = await udpServer(tagged('a'));
    const { port, events, handle, pool } = await lb([a.port], { keepalive_timeout: 1 });
    const c = await client();
    expect(await ask(c, port, 'x')).toBe('a:x');
    expect(pool.members()[0]?.activeConnections).toBe(1);
    await waitFor<void>((done) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.phase === 'close')) {
          clearInterval(poll);
          done();
        }
      }, 20);
    });
    expect(events.find((e) => e.phase === 'close')).toMatchObject({
      reason: 'idle-timeout',
      bytesIn: 1,
      bytesOut: 3,
    });
    expect(handle.active()).toBe(0);
    expect(pool.members()[0]?.activeConnections).toBe(0);
    expect(await ask(c, port, 'y')).toBe('a:y');
  });

  it('ends the flow when the member port is unreachable, so the next datagram is balanced again', async () => {
    const dead = await closedUdpPort();
    const { port, events } = await lb([dead]);
    const c = await client();
    c.send('x', port, '127.0.0.1');
    await waitFor<void>((done) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.phase === 'close')) {
          clearInterval(poll);
          done();
        }
      }, 20);
    });
    expect(events.find((e) => e.phase === 'close')).toMatchObject({ reason: 'member port unreachable' });
  });

  it('moves a flow to a healthy member once its member is marked unhealthy', async () => {
    const a = await udpServer(tagged('a'));
    const b = await udpServer(tagged('b'));
    const { port, pool, events } = await lb([a.port, b.port]);
    const c = await client();
    const first = (await ask(c, port, 'x')).split(':')[0];
    const firstKey = `127.0.0.1:${first === 'a' ? a.port : b.port}`;
    pool.setHealth(firstKey, false, 'test');
    expect(events.at(-1)).toMatchObject({ phase: 'close', reason: 'member unhealthy' });
    expect((await ask(c, port, 'y')).split(':')[0]).not.toBe(first);
  });

  it('drops datagrams from a blacklisted client', async () => {
    const a = await udpServer(tagged('a'));
    const { port, events } = await lb([a.port], { ipgroup: { type: 'black', ip_list: ['127.0.0.1'] } });
    const c = await client();
    await expect(ask(c, port, 'x', 300)).rejects.toThrow(/timed out/);
    expect(a.received).toHaveLength(0);
    expect(events[0]).toMatchObject({ phase: 'refused', reason: 'access-denied' });
  });
});
