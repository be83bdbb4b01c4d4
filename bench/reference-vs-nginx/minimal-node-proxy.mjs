#!/usr/bin/env node
// The least a Node proxy can do per request — no routing, health, metrics or
// logs — as a floor for the reference LB in the same run: with node:http for
// the upstream (`http` mode, what the reference LB uses) or an undici Pool
// (`undici` mode). Only X-Forwarded-For is added, streaming both ways.
//
//   node minimal-node-proxy.mjs http|undici LISTEN_PORT UPSTREAM_PORT
import http from 'node:http';
import { Pool } from 'undici';

const [mode, listenPort, upstreamPort] = process.argv.slice(2);
const headersFor = (req) => ({ ...req.headers, 'x-forwarded-for': req.socket.remoteAddress });

let handler;
if (mode === 'undici') {
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
http.createServer(handler).listen(Number(listenPort), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
