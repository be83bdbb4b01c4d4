#!/usr/bin/env node
// The least a Node proxy can do per request — no routing, health, metrics or
// logs — as floors for the reference LB in the same run:
// - `net`: raw sockets, as the reference LB does (src/reference/http/): finds
//   the end of each head, adds X-Forwarded-For, reuses upstream connections,
//   frames responses by Content-Length only (enough for the bench backend);
// - `http`: a node:http server with node:http upstream agents;
// - `undici`: a node:http server with an undici Pool upstream.
// The last two show what the reference LB would cost on Node's HTTP stack.
//
//   node minimal-node-proxy.mjs net|http|undici LISTEN_PORT UPSTREAM_PORT
import http from 'node:http';
import net from 'node:net';
import { Pool } from 'undici';

const [mode, listenPort, upstreamPort] = process.argv.slice(2);
const headersFor = (req) => ({ ...req.headers, 'x-forwarded-for': req.socket.remoteAddress });

let handler;
if (mode === 'net') {
  startNetProxy();
} else if (mode === 'undici') {
  const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 64 });
  handler = (req, res) => {
    pool.stream(
      {
        path: req.url,
        method: req.method,
        headers: headersFor(req),
        body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
      },
      ({ statusCode, headers }) => {
        res.writeHead(statusCode, headers);
        return res;
      },
      (err) => {
        if (err && !res.headersSent) res.writeHead(502).end();
      },
    );
  };
} else {
  const agent = new http.Agent({ keepAlive: true });
  handler = (req, res) => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: Number(upstreamPort),
        path: req.url,
        method: req.method,
        headers: headersFor(req),
        agent,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(upstream);
  };
}
if (handler) http.createServer(handler).listen(Number(listenPort), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));

function startNetProxy() {
  const HEAD_END = Buffer.from('\r\n\r\n');
  const idle = [];
  const upstream = (cb) => {
    const reused = idle.pop();
    if (reused) return cb(reused);
    const u = net.connect({ port: Number(upstreamPort), host: '127.0.0.1', noDelay: true });
    u.on('error', () => {});
    u.once('connect', () => cb(u));
  };
  net
    .createServer({ noDelay: true }, (client) => {
      client.on('error', () => {});
      let buf = null;
      let busy = false;
      const next = () => {
        if (busy || !buf) return;
        const end = buf.indexOf(HEAD_END);
        if (end < 0) return;
        const lines = buf.toString('latin1', 0, end).split('\r\n');
        buf = end + 4 === buf.length ? null : buf.subarray(end + 4);
        busy = true;
        let head = `${lines[0]}\r\n`;
        for (let i = 1; i < lines.length; i++) {
          if (!/^(connection|x-forwarded-for):/i.test(lines[i])) head += `${lines[i]}\r\n`;
        }
        head += `x-forwarded-for: ${client.remoteAddress}\r\n\r\n`;
        upstream((u) => {
          let rbuf = null;
          let left = -1;
          const onData = (chunk) => {
            if (left < 0) {
              rbuf = rbuf ? Buffer.concat([rbuf, chunk]) : chunk;
              const e = rbuf.indexOf(HEAD_END);
              if (e < 0) return;
              const length = /\r\ncontent-length:\s*(\d+)/i.exec(rbuf.toString('latin1', 0, e))?.[1];
              left = Number(length ?? 0) - (rbuf.length - e - 4);
              client.write(rbuf);
            } else {
              left -= chunk.length;
              client.write(chunk);
            }
            if (left <= 0) {
              u.off('data', onData);
              idle.push(u);
              busy = false;
              next();
            }
          };
          u.on('data', onData);
          u.write(head, 'latin1');
        });
      };
      client.on('data', (chunk) => {
        buf = buf ? Buffer.concat([buf, chunk]) : chunk;
        next();
      });
    })
    .listen(Number(listenPort), '127.0.0.1');
}
