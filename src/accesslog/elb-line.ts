// The ELB Layer-7 access-log line (layout: ELB user guide "Access Logging",
// summarised in shared/elb-access-log.md). One shape, written by the reference
// load balancer and parsed by lbdoctor on real ELB logs, so both sides agree.

/** One attempt at a backend: nginx's $upstream_* values for one try (FAQ 1.9 retries add more). */
export interface UpstreamAttempt {
  /** Backend status; null when no response came (connect failed, timed out, reset). */
  status: number | null;
  /** Seconds; null when that phase was never reached. */
  connectTime: number | null;
  headerTime: number | null;
  responseTime: number | null;
  /** `address:port` of the member tried. */
  addr: string;
}

export interface ElbAccessLogRecord {
  /** Write time, epoch seconds with millisecond fraction. */
  msec: number;
  topicId: string | null;
  /** `$time_iso8601` as written (with offset). */
  time: string;
  logVersion: string;
  clientAddress: string;
  clientPort: number | null;
  /** What the load balancer answered the client (499: the client left first, FAQ 7.9). */
  status: number;
  method: string;
  scheme: string;
  host: string;
  uri: string;
  protocol: string;
  requestLength: number | null;
  bytesSent: number | null;
  bodyBytesSent: number | null;
  /** Seconds. */
  requestTime: number | null;
  /** Empty when the load balancer answered by itself (FAQ 7.8). */
  upstream: UpstreamAttempt[];
  userAgent: string | null;
  referer: string | null;
  xForwardedFor: string | null;
  lbName: string | null;
  listenerName: string | null;
  listenerId: string | null;
  poolName: string | null;
  memberName: string | null;
  tenantId: string | null;
  eipAddress: string | null;
  eipPort: number | null;
  upstreamAddrPriv: string | null;
  certificateId: string | null;
  sslProtocol: string | null;
  sslCipher: string | null;
  sniDomainName: string | null;
  /** Client connection round-trip time, microseconds. */
  tcpinfoRtt: number | null;
  selfDefinedHeader: string | null;
}

/** Whether the load balancer produced the status itself: no backend answered (FAQ 7.8). */
export function answeredByLoadBalancer(r: Pick<ElbAccessLogRecord, 'upstream'>): boolean {
  return r.upstream.every((a) => a.status === null);
}

export const ELB_LOG_VERSION = 'elb_01';
