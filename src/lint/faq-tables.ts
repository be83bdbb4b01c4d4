// The FAQ tables the lint rules read, written once as data. The reference load
// balancer keeps its own copy of the 5.7 table (src/reference/config.ts); a
// test checks the two agree, so they cannot drift apart silently.
import type { ListenerProtocol, LoadBalancer, Pool, SessionPersistence } from '../model/inventory.js';

type LbType = LoadBalancer['type'];
type PoolProtocol = Pool['protocol'];
type StickinessType = SessionPersistence['type'];

/**
 * FAQ 5.7: the backend (pool) protocols each frontend (listener) protocol may
 * use. Table 5-3 (dedicated) also allows gRPC behind HTTPS, which the model
 * has no name for. Neither table has a QUIC frontend: `undefined` means the
 * FAQ gives no row, which is not the same as "nothing allowed".
 */
export const PROTOCOL_PAIRS: Record<LbType, Partial<Record<ListenerProtocol, readonly PoolProtocol[]>>> = {
  dedicated: { TCP: ['TCP'], UDP: ['UDP', 'QUIC'], HTTP: ['HTTP'], HTTPS: ['HTTP', 'HTTPS'] },
  shared: { TCP: ['TCP'], UDP: ['UDP'], HTTP: ['HTTP'], HTTPS: ['HTTP'] },
};

/** Which table of FAQ 5.7 a load balancer type reads. */
export const PAIR_TABLE: Record<LbType, string> = { dedicated: 'Table 5-3', shared: 'Table 5-4' };

/**
 * FAQ 6.1: sticky-session types per backend protocol, for the weighted round
 * robin and weighted least connections algorithms (Table 6-1 dedicated, 6-2
 * shared). Source IP hash takes none in every row that lists it. A protocol
 * missing here has no row in that table (shared HTTPS and QUIC pools: the
 * protocol-pair rule reports those).
 */
export const STICKINESS_BY_POOL_PROTOCOL: Record<
  LbType,
  Partial<Record<PoolProtocol, readonly StickinessType[]>>
> = {
  dedicated: {
    TCP: ['SOURCE_IP'],
    UDP: ['SOURCE_IP'],
    HTTP: ['HTTP_COOKIE', 'APP_COOKIE'],
    HTTPS: ['HTTP_COOKIE', 'APP_COOKIE'],
    // Table 6-1 pairs QUIC with the connection-ID algorithm and source-IP stickiness.
    QUIC: ['SOURCE_IP'],
  },
  shared: {
    TCP: ['SOURCE_IP'],
    UDP: ['SOURCE_IP'],
    HTTP: ['HTTP_COOKIE', 'APP_COOKIE'],
  },
};

export const STICKINESS_TABLE: Record<LbType, string> = { dedicated: 'Table 6-1', shared: 'Table 6-2' };

/** Console names, so titles and fixes use the words the operator sees. */
export const STICKINESS_LABEL: Record<StickinessType, string> = {
  SOURCE_IP: 'source IP address',
  HTTP_COOKIE: 'load balancer cookie',
  APP_COOKIE: 'application cookie',
};

export const ALGORITHM_LABEL: Record<Pool['lb_algorithm'], string> = {
  ROUND_ROBIN: 'weighted round robin',
  LEAST_CONNECTIONS: 'weighted least connections',
  SOURCE_IP: 'source IP hash',
};

/** FAQ 5.6 Table 5-2: the idle timeout range, seconds, per listener protocol. */
export const IDLE_TIMEOUT_RANGE: Record<ListenerProtocol, readonly [number, number]> = {
  TCP: [10, 4000],
  UDP: [10, 4000],
  HTTP: [0, 4000],
  HTTPS: [0, 4000],
  QUIC: [10, 4000],
};

/** FAQ 2.4 asks to keep the defaults for UDP checks; ELB's default timeout is 3 s (the model's too). */
export const UDP_CHECK_DEFAULT_TIMEOUT = 3;
