// The admin port (loopback by default): a status tree of listeners → pools →
// members with health and reasons, Prometheus metrics, and the runtime changes
// labs need — member weight (FAQ 6.13), member admin up/down, and a listener
// certificate swap (FAQ 7.3). Small on purpose: JSON in, JSON out.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LbdError } from '../errors.js';
import type { Certificate } from '../model/inventory.js';
import type { ReferenceMetrics } from './metrics.js';
import type { Pool } from './pool.js';
import type { RunningListener } from './server.js';
import { fromPem, isPemText, loadCertificate } from './tls/certificates.js';
import type { MemberState, ReferenceLogger } from './types.js';

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

export interface AdminOptions {
  address: string;
  port: number;
  listeners: readonly RunningListener[];
  pools: ReadonlyMap<string, Pool>;
  metrics: ReferenceMetrics;
  inventorySource: string | undefined;
  /** The inventory's certificates, which a swap may name by id. */
  certificates: readonly Certificate[];
  logger: ReferenceLogger;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function memberView(m: MemberState) {
  return {
    name: m.name,
    key: m.key,
    address: m.address,
    port: m.port,
    weight: m.weight,
    admin_up: m.adminUp,
    healthy: m.healthy,
    reason: m.healthReason,
    active_connections: m.activeConnections,
    draining: m.draining,
  };
}

function poolView(p: Pool) {
  return {
    id: p.id,
    protocol: p.config.protocol,
    lb_algorithm: p.config.lb_algorithm,
    session_persistence: p.config.session_persistence?.type ?? null,
    health_check: p.monitorEnabled ? (p.config.healthmonitor?.type ?? null) : null,
    members: p.members().map(memberView),
  };
}

export function statusTree(listeners: readonly RunningListener[], pools: ReadonlyMap<string, Pool>) {
  return {
    listeners: listeners.map((l) => ({
      ...l.info,
      active_connections: l.http?.activeConnections() ?? l.l4?.active() ?? 0,
      ...(l.tls ? { tls: l.tls.current() } : {}),
      pools: l.poolIds.flatMap((id) => {
        const p = pools.get(id);
        return p ? [poolView(p)] : [];
      }),
    })),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 1024 * 1024) throw new HttpProblem(413, 'body larger than 1 MiB');
  }
  return body;
}

function parseJson(body: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body || '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpProblem(400, 'body must be a JSON object');
}

export async function startAdmin(o: AdminOptions): Promise<AdminServer> {
  const findMember = (poolId: string, member: string): { pool: Pool; member: MemberState } => {
    const pool = o.pools.get(poolId);
    if (!pool) throw new HttpProblem(404, `no pool "${poolId}"`);
    const m = pool.members().find((x) => x.key === member || x.name === member);
    if (!m) throw new HttpProblem(404, `pool "${poolId}" has no member "${member}" (name or address:port)`);
    return { pool, member: m };
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://admin');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(v, null, 2)}\n`);
    };
    if (req.method === 'GET' && url.pathname === '/status')
      return json(200, statusTree(o.listeners, o.pools));
    if (req.method === 'GET' && url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(o.metrics.render());
      return;
    }
    if (req.method === 'POST' && parts[0] === 'members' && parts.length === 4) {
      const { pool, member } = findMember(parts[1] ?? '', parts[2] ?? '');
      const body = parseJson(await readBody(req));
      if (parts[3] === 'weight') {
        const w = body.weight;
        if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 100) {
          throw new HttpProblem(400, 'weight must be a whole number from 0 to 100');
        }
        pool.setWeight(member.key, w);
        return json(200, memberView(member));
      }
      if (parts[3] === 'admin') {
        if (typeof body.up !== 'boolean') throw new HttpProblem(400, 'expected {"up": true|false}');
        pool.setAdminUp(member.key, body.up);
        return json(200, memberView(member));
      }
    }
    if (
      req.method === 'POST' &&
      parts[0] === 'listeners' &&
      parts[2] === 'certificate' &&
      parts.length === 3
    ) {
      const l = o.listeners.find((x) => x.info.name === parts[1]);
      if (!l) throw new HttpProblem(404, `no listener "${parts[1]}"`);
      if (!l.tls) throw new HttpProblem(400, `listener "${parts[1]}" is not HTTPS`);
      const body = parseJson(await readBody(req));
      const cert = body.certificate;
      const key = body.private_key;
      const byId = typeof body.certificate_id === 'string' ? body.certificate_id : undefined;
      if (byId === undefined && (typeof cert !== 'string' || typeof key !== 'string')) {
        throw new HttpProblem(
          400,
          'expected {"certificate_id": id from the inventory} or {"certificate": PEM or path, "private_key": PEM or path, "id"?: string}',
        );
      }
      const id = byId ?? (typeof body.id === 'string' ? body.id : l.tls.current().defaultId);
      try {
        let loaded: ReturnType<typeof fromPem>;
        if (byId !== undefined) {
          const c = o.certificates.find((x) => x.id === byId);
          if (!c) throw new HttpProblem(404, `no certificate "${byId}" in the inventory`);
          loaded = loadCertificate(c, o.inventorySource);
        } else {
          const [certText, keyText] = [String(cert), String(key)];
          loaded =
            isPemText(certText) && isPemText(keyText)
              ? fromPem(id, certText, keyText, null)
              : loadCertificate(
                  { id, type: 'server', certificate: certText, private_key: keyText },
                  o.inventorySource,
                );
        }
        l.tls.replace(loaded);
        o.logger.info(`listener ${l.info.name}: certificate ${id} replaced (new connections only, FAQ 7.3)`, {
          listener: l.info.name,
        });
        return json(200, l.tls.current());
      } catch (err) {
        if (err instanceof HttpProblem) throw err;
        throw new HttpProblem(400, err instanceof Error ? err.message : String(err));
      }
    }
    throw new HttpProblem(404, `no route ${req.method} ${url.pathname}`);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const status = err instanceof HttpProblem ? err.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new LbdError('LBD_ERR_PORT_IN_USE', `admin port ${o.address}:${o.port} is in use`, {
              hint: 'choose another reference.admin_port or --admin-port (0 picks a free one)',
              cause: err,
            })
          : err,
      ),
    );
    server.listen({ host: o.address, port: o.port }, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  o.logger.info(`admin on http://${host}:${a.port}`, {});
  return {
    url: `http://${host}:${a.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
