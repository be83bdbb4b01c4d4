import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Listener as ListenerSchema, Pool as PoolSchema } from '../../../src/model/inventory.js';
import { startTcpListener } from '../../../src/reference/l4/index.js';
import type { L4ConnectionEvent } from '../../../src/reference/l4/types.js';
import { Pool } from '../../../src/reference/pool.js';
import { blackholePort, closedTcpPort, tcpEcho, waitFor } from './helpers.js';

async function lb(
  ports: number[],
  listenerExtra: Record<string, unknown> = {},
  poolExtra: Record<string, unknown> = {},
) {
  const pool = new Pool(
    PoolSchema.parse({
      id: 'tcp-pool',
      protocol: 'TCP',
      members: ports.map((p) => ({ address: '127.0.0.1', protocol_port: p })),
      ...poolExtra,
    }),
    { lbType: 'dedicated' },
  );
  const events: L4ConnectionEvent[] = [];
  const handle = await startTcpListener({
    listener: ListenerSchema.parse({ name: 'tcp', protocol: 'TCP', protocol_port: 1, ...listenerExtra }),
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

/** Connects, sends `text`, half-closes, and collects everything until the LB closes. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let got = '';
    c.setTimeout(5000, () => c.destroy(new Error('exchange timed out')));
    c.on('data', (d) => {
      got += d.toString();
    });
    c.on('error', reject);
    c.on('end', () => {
      c.end();
      resolve(got);
    });
    c.on('connect', () => c.end(text));
  });
}

/** Resolves with the error code the socket dies with (ECONNRESET for an RST). */
function resetOf(s: net.Socket, ms = 5000): Promise<string> {
  return waitFor<string>(
    (done) => {
      s.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
      s.on('close', () => done('closed without error'));
    },
    ms,
    'reset',
  );
}

describe('TCP listener', () => {
  it('proxies bytes both ways and passes the half-close', async () => {
    const backend = await tcpEcho();
    const { port, events } = await lb([backend.port]);
    expect(await exchange(port, 'hello')).toBe('HELLOBYE');
    await waitFor<void>((done) => {
      const poll = setInterval(() => {
        if (events.some((e) => e.phase === 'close')) {
          clearInterval(poll);
          done();
        }
      }, 10);
    });
    const close = events.find((e) => e.phase === 'close');
    expect(close).toMatchObject({
      phase: 'close',
      bytesIn: 5,
      bytesOut: 8,
      member: `127.0.0.1:${backend.port}`,
    });
  });

  it('spreads connections by weighted round robin', async () => {
    const a = await tcpEcho();
    const b = await tcpEcho();
    const { port, pool } = await lb([a.port, b.port]);
    pool.setWeight(`127.0.0.1:${a.port}`, 3);
    for (let i = 0; i < 8; i++) await exchange(port, 'x');
    expect([a.accepted(), b.accepted()]).toEqual([6, 2]);
  });

  it('retries another member when one refuses (FAQ 1.9)', async () => {
    const dead = await closedTcpPort();
    const live = await tcpEcho();
    const { port, events, pool } = await lb([dead, live.port]);
    for (let i = 0; i < 4; i++) expect(await exchange(port, 'ping')).toBe('PINGBYE');
    const opens = events.filter((e) => e.phase === 'open');
    expect(opens).toHaveLength(4);
    expect(opens.every((e) => e.phase === 'open' && e.member === `127.0.0.1:${live.port}`)).toBe(true);
    expect(
      opens.some((e) => e.phase === 'open' && e.failedMembers.some((f) => f.startsWith(`127.0.0.1:${dead}`))),
    ).toBe(true);
    expect(pool.members().every((m) => m.activeConnections === 0)).toBe(true);
  });

  it('gives a member that does not accept within the connect timeout up and tries another (FAQ 1.5, 1.9)', async () => {
    const silent = await blackholePort();
    const live = await tcpEcho();
    const pool = new Pool(
      PoolSchema.parse({
        id: 'p',
        protocol: 'TCP',
        members: [
          { address: '127.0.0.1', protocol_port: silent },
          { address: '127.0.0.1', protocol_port: live.port },
        ],
      }),
      { lbType: 'dedicated' },
    );
    const events: L4ConnectionEvent[] = [];
    const handle = await startTcpListener({
      listener: ListenerSchema.parse({ name: 't', protocol: 'TCP', protocol_port: 1 }),
      pool,
      bindAddress: '127.0.0.1',
      port: 0,
      connectTimeoutMs: 300,
      onConnection: (e) => events.push(e),
    });
    onTestFinished(() => handle.close());
    // Round robin starts with the silent member.
    expect(await exchange(handle.address.port, 'slow')).toBe('SLOWBYE');
    const open = events.find((e) => e.phase === 'open');
    expect(open).toMatchObject({ member: `127.0.0.1:${live.port}` });
    expect(open?.phase === 'open' && open.failedMembers[0]).toMatch(/no answer within 300 ms/);
  });

  it('resets the client when every member refuses', async () => {
    const { port, events } = await lb([await closedTcpPort()]);
    const c = net.connect({ host: '127.0.0.1', port });
    expect(await resetOf(c)).toBe('ECONNRESET');
    expect(events.at(-1)).toMatchObject({ phase: 'refused', reason: 'all-members-failed' });
  });

  it('resets both sides after keepalive_timeout of idleness (FAQ 1.4)', async () => {
    let backendSide: net.Socket | undefined;
    const backend = await tcpEcho((s) => {
      backendSide = s;
    });
    const { port, events } = await lb([backend.port], { keepalive_timeout: 1 });
    const c = net.connect({ host: '127.0.0.1', port });
    await waitFor<void>((done) => c.on('connect', () => done()));
    const clientReset = resetOf(c);
    await waitFor<void>((done) => {
      const poll = setInterval(() => {
        if (backendSide) {
          clearInterval(poll);
          done();
        }
      }, 10);
    });
    const memberReset = resetOf(backendSide as net.Socket);
    expect(await clientReset).toBe('ECONNRESET');
    expect(await memberReset).toBe('ECONNRESET');
    expect(events.at(-1)).toMatchObject({ phase: 'close', reason: 'idle-timeout' });
  });

  it('refuses clients outside the whitelist and inside the blacklist (FAQ 1.1)', async () => {
    const backend = await tcpEcho();
    const white = await lb([backend.port], { ipgroup: { type: 'white', ip_list: ['192.0.2.0/24'] } });
    expect(await resetOf(net.connect({ host: '127.0.0.1', port: white.port }))).toBe('ECONNRESET');
    expect(white.events.at(-1)).toMatchObject({ phase: 'refused', reason: 'access-denied' });
    const black = await lb([backend.port], { ipgroup: { type: 'black', ip_list: ['192.0.2.0/24'] } });
    expect(await exchange(black.port, 'ok')).toBe('OKBYE');
    expect(backend.accepted()).toBe(1);
  });

  it('resets when no member is healthy and when the pool is empty', async () => {
    const backend = await tcpEcho();
    const { port, pool, events } = await lb([backend.port], {}, { healthmonitor: { type: 'TCP' } });
    expect(await resetOf(net.connect({ host: '127.0.0.1', port }))).toBe('ECONNRESET');
    expect(events.at(-1)).toMatchObject({ phase: 'refused', reason: 'unavailable' });
    pool.setHealth(`127.0.0.1:${backend.port}`, true, 'test');
    expect(await exchange(port, 'up')).toBe('UPBYE');
    const empty = await lb([]);
    expect(await resetOf(net.connect({ host: '127.0.0.1', port: empty.port }))).toBe('ECONNRESET');
    expect(empty.events.at(-1)).toMatchObject({ phase: 'refused', reason: 'empty' });
  });

  it('weight 0 without deregistration delay resets existing connections (FAQ 6.13)', async () => {
    const backend = await tcpEcho();
    const { port, pool, handle } = await lb([backend.port]);
    const c = net.connect({ host: '127.0.0.1', port });
    await waitFor<void>((done) => c.on('connect', () => done()));
    c.write('a');
    await waitFor<void>((done) => c.once('data', () => done()));
    expect(handle.active()).toBe(1);
    const reset = resetOf(c);
    pool.setWeight(`127.0.0.1:${backend.port}`, 0);
    expect(await reset).toBe('ECONNRESET');
    expect(handle.active()).toBe(0);
  });

  it('says clearly when the port is taken', async () => {
    const backend = await tcpEcho();
    const first = await lb([backend.port]);
    await expect(
      startTcpListener({
        listener: ListenerSchema.parse({ name: 'dup', protocol: 'TCP', protocol_port: 1 }),
        pool: first.pool,
        bindAddress: '127.0.0.1',
        port: first.port,
      }),
    ).rejects.toMatchObject({ code: 'LBD_ERR_PORT_IN_USE' });
  });
});
