// tcp-burst on real sockets: a listener that accepts, a closed port, and a
// listener whose queue is full (a blocked acceptor behind backlog 1, in a
// child process, as FAQ 1.10 step 4 describes). Also connection-capacity's
// arithmetic (FAQ 1.1's formula: 100,000 × 10 members × 2 AZs = 2,000,000).
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectionCapacityProbe as uncheckedCapacity } from '../../../src/probes/connection-capacity.js';
import { tcpBurstProbe as unchecked } from '../../../src/probes/tcp-burst.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, listenTcp, localContext } from '../../helpers/net-servers.js';

const tcpBurst = checked(unchecked);
const capacity = checked(uncheckedCapacity);

/** A TCP listener on 127.0.0.1 with backlog 1 whose process never accepts (its event loop is blocked). */
async function blockedAcceptor(): Promise<number> {
  const child = execa(
    process.execPath,
    [
      '-e',
      "const s=require('net').createServer().listen({port:0,host:'127.0.0.1',backlog:1},()=>{console.log(s.address().port);Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,20000)})",
    ],
    { reject: false, buffer: false },
  );
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', () => reject(new Error('the blocked acceptor exited')));
  });
}

describe('tcp-burst', () => {
  it('passes when every connection opens at once', async () => {
    const { port } = await listenTcp(() => {});
    const obs = await tcpBurst.run(
      tcpBurst.params.parse({ host: '127.0.0.1', port, connections: 50 }),
      localContext(),
    );
    expect(obs.outcome).toBe('pass');
    expect(obs.data).toMatchObject({
      attempted: 50,
      opened: 50,
      failed: 0,
      retransmitted: 0,
      states: { open: 50 },
    });
    expect(obs.summary).toMatch(/^50 connections at once to 127\.0\.0\.1:\d+: 50 open/);
  });

  it('fails with every connection refused on a closed port', async () => {
    const port = await closedPort();
    const obs = await tcpBurst.run(
      tcpBurst.params.parse({ host: '127.0.0.1', port, connections: 10 }),
      localContext(),
    );
    expect(obs.outcome).toBe('fail');
    expect(obs.data).toMatchObject({ opened: 0, failed: 10, states: { refused: 10 }, connectMs: null });
  });

  it('fails on a full accept queue: SYNs dropped, opened late or never', async () => {
    const port = await blockedAcceptor();
    const obs = await tcpBurst.run(
      tcpBurst.params.parse({ host: '127.0.0.1', port, connections: 20, connectTimeoutMs: 1500 }),
      localContext(),
    );
    expect(obs.outcome).toBe('fail');
    // The queue holds two (backlog 1); the rest wait for a resent SYN or time out.
    const { retransmitted, states } = obs.data as { retransmitted: number; states: { timeout?: number } };
    expect(retransmitted + (states.timeout ?? 0)).toBeGreaterThanOrEqual(15);
  }, 15_000);

  it("connections 0 and watchSeconds: no burst, the window held open for the operator's own test", async () => {
    const { port } = await listenTcp(() => {});
    const started = Date.now();
    const obs = await tcpBurst.run(
      tcpBurst.params.parse({ host: '127.0.0.1', port, connections: 0, watchSeconds: 1 }),
      localContext(),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(obs).toMatchObject({ outcome: 'pass', data: { attempted: 0, watchedSeconds: 1 } });
    expect(obs.summary).toBe(`no burst sent to 127.0.0.1:${port}; 1 s watched for the operator's own test`);
  });

  it('takes its numbers as strings too (templates render inputs as text)', () => {
    expect(tcpBurst.params.parse({ host: 'h', port: 1, connections: '300' }).connections).toBe(300);
    expect(() => tcpBurst.params.parse({ host: 'h', port: 1, connections: 'many' })).toThrow();
    expect(() => tcpBurst.params.parse({ host: 'h', port: 1, connections: 5000 })).toThrow();
  });
});

describe('connection-capacity', () => {
  it("FAQ 1.1's examples: public 100,000 × 10 × 2 AZs; private 100,000 × 10", async () => {
    const pub = await capacity.run(
      capacity.params.parse({ members: 10, perMember: 100000, azs: 2, required: 2_000_000 }),
      localContext(),
    );
    expect(pub).toMatchObject({ outcome: 'pass', data: { capacity: 2_000_000 } });
    expect(pub.summary).toBe(
      '100,000 × 10 member(s) × 2 AZs = 2,000,000 concurrent connections, enough for 2,000,000',
    );
    const priv = await capacity.run(
      capacity.params.parse({ members: '10', perMember: '100000', required: '2000000' }),
      localContext(),
    );
    expect(priv).toMatchObject({
      outcome: 'fail',
      data: { capacity: 1_000_000, shortBy: 1_000_000, membersNeeded: 20 },
    });
  });

  it('no members carry nothing', async () => {
    const none = await capacity.run(
      capacity.params.parse({ members: 0, perMember: 100000, required: 1 }),
      localContext(),
    );
    expect(none).toMatchObject({ outcome: 'fail', data: { capacity: 0, membersNeeded: 1 } });
  });
});
