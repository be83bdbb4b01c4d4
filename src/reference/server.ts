// Starts the reference load balancer for an inventory: every load balancer's
// pools (with health checkers), listeners (HTTP/HTTPS here, TCP/UDP from l4/)
// and one admin port. Listeners come up first and answer x-router-code 50001
// until the whole configuration is loaded (FAQ 1.6).
import type { Writable } from 'node:stream';
import { openAccessLog } from '../accesslog/writer.js';
import { LbdError } from '../errors.js';
import { ElbDefaults, type Inventory, type Listener, type LoadBalancerEntry } from '../model/inventory.js';
import { type AdminServer, startAdmin } from './admin.js';
import { validateReferenceConfig } from './config.js';
import { HealthChecker } from './health/checker.js';
import { insertHeadersFrom } from './http/forward-headers.js';
import { type HttpListener, type PoolBinding, startHttpListener } from './http/listener.js';
import { Router } from './http/routing.js';
import { type L4ListenerHandle, startTcpListener, startUdpListener } from './l4/index.js';
import { ReferenceMetrics } from './metrics.js';
import { Pool } from './pool.js';
import { loadCaBundle, loadCertificate } from './tls/certificates.js';
import { createListenerTls, type ManagedListenerTls } from './tls/listener-tls.js';
import { tlsPolicy } from './tls/policies.js';
import type { PoolRuntime, ReferenceLogger } from './types.js';
import { silentLogger } from './types.js';

export interface ReferenceOptions {
  logger?: ReferenceLogger;
  /** Where listeners bind; default `reference.bind_address`, else 127.0.0.1. */
  bindAddress?: string;
  /** Admin port; default `reference.admin_port`, else 0 (any free port). */
  adminPort?: number;
  /** Access-log file (appended) or stream; default `reference.access_log`, else none. */
  accessLog?: string | Writable;
  /** Aborting closes everything (without draining). */
  signal?: AbortSignal;
  /** Per-listener port instead of `protocol_port` (0: any free port), by listener name. Labs and tests. */
  ports?: Readonly<Record<string, number>>;
  /** Bind every listener to a free port (labs and tests); `listeners[].port` says which. */
  anyPort?: boolean;
  /** FAQ 1.5: 5 s to connect to a member. Labs may shorten it. */
  connectTimeoutMs?: number;
  /** How long close({ drain: true }) waits for in-flight requests. */
  drainMs?: number;
}

export interface ReferenceListenerInfo {
  name: string;
  loadbalancer: string;
  protocol: Listener['protocol'];
  address: string;
  port: number;
}

export interface ReferenceHandle {
  listeners: ReferenceListenerInfo[];
  admin: { url: string };
  /** By pool id. */
  pools: Map<string, PoolRuntime>;
  metrics: ReferenceMetrics;
  close(opts?: { drain?: boolean }): Promise<void>;
}

/** What the admin port and the status tree need to see of a running listener. */
export interface RunningListener {
  info: ReferenceListenerInfo;
  config: Listener;
  /** Pool ids this listener can send to: default first, then policies'. */
  poolIds: string[];
  tls: ManagedListenerTls | null;
  http: HttpListener | null;
  l4: L4ListenerHandle | null;
  close(drain: boolean): Promise<void>;
}

function l7Protocol(p: string): 'HTTP' | 'HTTPS' {
  return p === 'HTTPS' ? 'HTTPS' : 'HTTP';
}

export async function startReference(
  inventory: Inventory,
  opts: ReferenceOptions = {},
): Promise<ReferenceHandle> {
  validateReferenceConfig(inventory);
  const logger = opts.logger ?? silentLogger;
  const settings = inventory.reference;
  const bindAddress = opts.bindAddress ?? settings?.bind_address ?? '127.0.0.1';
  const metrics = new ReferenceMetrics();
  const accessTarget = opts.accessLog ?? settings?.access_log ?? undefined;
  const accessLog = accessTarget === undefined ? undefined : openAccessLog(accessTarget);
  let ready = false;
  const isReady = () => ready;

  const pools = new Map<string, Pool>();
  const checkers: HealthChecker[] = [];
  const running: RunningListener[] = [];
  let admin: AdminServer | null = null;

  const closeAll = async (drain: boolean) => {
    await Promise.allSettled(running.map((l) => l.close(drain)));
    for (const c of checkers) c.stop();
    for (const p of pools.values()) p.close();
    await admin?.close();
    await accessLog?.close();
  };

  try {
    for (const entry of inventory.loadbalancers) {
      for (const pc of entry.pools) {
        const pool = new Pool(pc, { lbType: entry.loadbalancer.type, logger });
        pools.set(pc.id, pool);
        const checker = new HealthChecker(pool, pc.healthmonitor, {
          lbType: entry.loadbalancer.type,
          checkerNodes: settings?.checker_nodes ?? 1,
          logger,
        });
        checker.on('check', (member: { name: string }, _node: number, result: { outcome: string }) =>
          metrics.healthCheck(pc.id, member.name, result.outcome === 'pass'),
        );
        checkers.push(checker);
      }
    }
    metrics.addCollector((m) => {
      for (const p of pools.values()) {
        const members = p.members();
        m.setGauge('lbdoctor_pool_members', 'Members in a pool.', { pool: p.id }, members.length);
        m.setGauge(
          'lbdoctor_pool_unhealthy_members',
          'Members the health check marks unhealthy (FAQ 1.9 "Unhealthy Servers").',
          { pool: p.id },
          members.filter((x) => !x.healthy).length,
        );
        for (const x of members) {
          m.setGauge(
            'lbdoctor_member_active_connections',
            'Connections or requests in flight per member.',
            { pool: p.id, member: x.name },
            x.activeConnections,
          );
        }
      }
    });

    for (const entry of inventory.loadbalancers) {
      for (const l of entry.listeners) running.push(await startListener(entry, l));
    }
    admin = await startAdmin({
      address: settings?.admin_address ?? '127.0.0.1',
      port: opts.adminPort ?? settings?.admin_port ?? 0,
      listeners: running,
      pools,
      metrics,
      inventorySource: inventory.source,
      certificates: inventory.certificates,
      logger,
    });
    for (const c of checkers) c.start();
    ready = true;
  } catch (err) {
    await closeAll(false);
    throw err;
  }

  async function startListener(entry: LoadBalancerEntry, l: Listener): Promise<RunningListener> {
    const lbName = entry.loadbalancer.name;
    const port = opts.anyPort ? 0 : (opts.ports?.[l.name] ?? l.protocol_port ?? 0);
    const defaultPool = l.default_pool_id ? (pools.get(l.default_pool_id) ?? null) : null;
    const info = (address: string, p: number): ReferenceListenerInfo => ({
      name: l.name,
      loadbalancer: lbName,
      protocol: l.protocol,
      address,
      port: p,
    });
    if (l.protocol === 'TCP' || l.protocol === 'UDP' || l.protocol === 'QUIC') {
      const start = l.protocol === 'TCP' ? startTcpListener : startUdpListener;
      const h = await start({
        listener: l,
        pool: defaultPool,
        bindAddress,
        port,
        logger,
        ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
        onConnection(e) {
          if (e.phase === 'open') metrics.connectionOpened(l.name);
          else if (e.phase === 'close') metrics.connectionClosed(l.name);
          else metrics.connectionRefused(l.name, e.reason);
        },
      });
      logger.info(`listener ${l.name} (${l.protocol}) on ${h.address.address}:${h.address.port}`, {
        listener: l.name,
      });
      return {
        info: info(h.address.address, h.address.port),
        config: l,
        poolIds: defaultPool ? [defaultPool.id] : [],
        tls: null,
        http: null,
        l4: h,
        close: () => h.close(),
      };
    }

    const bind = (p: Pool): PoolBinding => {
      const sp = p.config.session_persistence;
      return {
        id: p.id,
        name: p.config.name ?? p.id,
        protocol: l7Protocol(p.config.protocol),
        runtime: p,
        appCookieName: sp?.type === 'APP_COOKIE' ? (sp.cookie_name ?? null) : null,
        sticky: Boolean(sp),
      };
    };
    const policies = entry.l7policies
      .filter(
        (pol) => (pol.listener === l.name || pol.listener === l.id) && pol.action === 'REDIRECT_TO_POOL',
      )
      .flatMap((pol) => {
        const p = pol.redirect_pool_id ? pools.get(pol.redirect_pool_id) : undefined;
        return p ? [{ policy: pol, pool: bind(p) }] : [];
      });
    let listenerTls: ManagedListenerTls | null = null;
    if (l.protocol === 'HTTPS') {
      const byId = (id: string) => {
        const c = inventory.certificates.find((x) => x.id === id);
        if (!c) throw new LbdError('LBD_ERR_INPUT', `listener "${l.name}": no certificate "${id}"`);
        return loadCertificate(c, inventory.source);
      };
      const caBundle = (id: string) => {
        const c = inventory.certificates.find((x) => x.id === id);
        if (!c) throw new LbdError('LBD_ERR_INPUT', `listener "${l.name}": no certificate "${id}"`);
        return loadCaBundle(c, inventory.source);
      };
      const policy = tlsPolicy(l.tls_ciphers_policy);
      if (!policy)
        throw new LbdError(
          'LBD_ERR_INPUT',
          `listener "${l.name}": unknown tls_ciphers_policy "${l.tls_ciphers_policy}"`,
        );
      listenerTls = createListenerTls({
        defaultCert: byId(l.default_tls_container_ref ?? ''),
        sniCerts: l.sni_container_refs.map(byId),
        // FAQ 7.1: shared load balancers match the longest suffix; dedicated ones follow sni_match_algo.
        algo: entry.loadbalancer.type === 'shared' ? 'longest_suffix' : l.sni_match_algo,
        policy,
        ...(l.client_ca_tls_container_ref ? { clientCa: caBundle(l.client_ca_tls_container_ref) } : {}),
      });
    }
    const h = await startHttpListener({
      name: l.name,
      id: l.id ?? null,
      protocol: l7Protocol(l.protocol),
      bindAddress,
      port,
      lbName,
      elbIp: entry.loadbalancer.eip ?? null,
      timeouts: {
        keepaliveSeconds: l.keepalive_timeout ?? ElbDefaults.keepaliveTimeout.HTTP,
        clientSeconds: l.client_timeout ?? ElbDefaults.clientTimeout,
        memberSeconds: l.member_timeout ?? ElbDefaults.memberTimeout,
        connectMs: opts.connectTimeoutMs ?? ElbDefaults.memberConnectTimeout * 1000,
      },
      bodyLimit: l.client_body_limit ?? ElbDefaults.clientBodyLimit,
      maxHeaderBytes: ElbDefaults.maxHeaderBytes,
      insert: insertHeadersFrom(l.insert_headers),
      ipgroup: l.ipgroup ?? null,
      router: new Router(policies, defaultPool ? bind(defaultPool) : null),
      ...(listenerTls ? { tls: listenerTls } : {}),
      ...(accessLog ? { accessLog } : {}),
      metrics,
      logger,
      isReady,
    });
    logger.info(`listener ${l.name} (${l.protocol}) on ${h.address}:${h.port}`, { listener: l.name });
    return {
      info: info(h.address, h.port),
      config: l,
      poolIds: [...new Set([...(defaultPool ? [defaultPool.id] : []), ...policies.map((p) => p.pool.id)])],
      tls: listenerTls,
      http: h,
      l4: null,
      close: (drain) => h.close({ drain, ...(opts.drainMs === undefined ? {} : { drainMs: opts.drainMs }) }),
    };
  }

  let closed: Promise<void> | null = null;
  const close = (drain: boolean) => {
    closed ??= closeAll(drain);
    return closed;
  };
  if (opts.signal?.aborted) await close(false);
  else opts.signal?.addEventListener('abort', () => void close(false), { once: true });

  return {
    listeners: running.map((r) => r.info),
    admin: { url: admin?.url ?? '' },
    pools: new Map(pools),
    metrics,
    close: ({ drain = false } = {}) => close(drain),
  };
}
