import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { acceptFor, websocketProbe as websocket } from '../../../src/probes/websocket.js';
import { checked } from '../../helpers/contracts.js';
import { closedPort, listenTcp, localContext } from '../../helpers/net-servers.js';

/** Every observation below is checked against the websocket contract (src/probes/contracts/websocket.ts). */
const websocketProbe = checked(websocket);

/** A WebSocket server as far as the handshake goes, computing the accept key by RFC 6455 itself. */
async function upgradeServer(accept: (key: string) => string): Promise<{ port: number; frames: Buffer[] }> {
  const frames: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket: Socket) => {
    sockets.add(socket);
    socket.on('data', (d: Buffer) => frames.push(d));
    socket.on('error', () => {});
    const key = String(req.headers['sec-websocket-key']);
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(key)}\r\n\r\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as { port: number }).port, frames };
}

const run = (params: Record<string, unknown>) =>
  websocketProbe.run(websocketProbe.params.parse(params), localContext());

describe('websocket probe', () => {
  it('computes the RFC 6455 example accept key', () => {
    expect(acceptFor('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('passes on 101 with a valid accept key, then sends a close frame', async () => {
    const server = await upgradeServer((key) =>
      createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'),
    );
    const obs = await run({ url: `ws://127.0.0.1:${server.port}/chat` });
    expect(obs.outcome).toBe('pass');
    expect(obs.data.status).toBe(101);
    await expect.poll(() => server.frames.length).toBeGreaterThan(0);
    expect(server.frames[0]![0]).toBe(0x88);
  });

  it('fails on a wrong accept key', async () => {
    const { port } = await upgradeServer(() => 'bm90IHRoZSByaWdodCBrZXk=');
    const obs = await run({ host: '127.0.0.1', port });
    expect(obs.outcome).toBe('fail');
    expect(obs.summary).toMatch(/Sec-WebSocket-Accept/);
  });

  it('fails with the status when the upgrade is not honoured', async () => {
    const { port } = await listenTcp((s) =>
      s.once('data', () =>
        s.end('HTTP/1.1 400 Bad Request\r\nx-router-code: 40000\r\nContent-Length: 0\r\n\r\n'),
      ),
    );
    const obs = await run({ host: '127.0.0.1', port, path: '/ws' });
    expect(obs.outcome).toBe('fail');
    expect(obs.data.status).toBe(400);
    expect(obs.summary).toMatch(/status 400.*x-router-code 40000/);
  });

  it('is an error when nothing listens or the server hangs up', async () => {
    const refused = await run({ host: '127.0.0.1', port: await closedPort() });
    expect(refused.outcome).toBe('error');
    expect(refused.data.error).toEqual({ kind: 'refused' });
    const { port } = await listenTcp((s) => s.once('data', () => s.destroy()));
    const closed = await run({ host: '127.0.0.1', port });
    expect(closed.outcome).toBe('error');
  });
});
