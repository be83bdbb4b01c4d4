// Network probes: they take a Dialer, so they run from any vantage. The map is
// typed by NetworkProbeKind, so a kind without a loader fails to compile.
import type { NetworkProbeKind } from './contracts/index.js';
import type { ProbeLoader } from './registry.js';

export type { NetworkProbeKind } from './contracts/index.js';

export const networkProbes: { readonly [K in NetworkProbeKind]: ProbeLoader } = {
  tcp: () => import('./tcp.js').then((m) => m.tcpProbe),
  http: () => import('./http.js').then((m) => m.httpProbe),
  tls: () => import('./tls.js').then((m) => m.tlsProbe),
  udp: () => import('./udp.js').then((m) => m.udpProbe),
  ping: () => import('./ping.js').then((m) => m.pingProbe),
  websocket: () => import('./websocket.js').then((m) => m.websocketProbe),
  'elb-health': () => import('./elb-health.js').then((m) => m.elbHealthProbe),
  'access-control': () => import('./access-control.js').then((m) => m.accessControlProbe),
  'tcp-idle': () => import('./tcp-idle.js').then((m) => m.tcpIdleProbe),
  'http-keepalive': () => import('./http-keepalive.js').then((m) => m.httpKeepaliveProbe),
  'http-timing': () => import('./http-timing.js').then((m) => m.httpTimingProbe),
  'access-log-summary': () => import('./access-log-summary.js').then((m) => m.accessLogSummaryProbe),
  'tcp-burst': () => import('./tcp-burst.js').then((m) => m.tcpBurstProbe),
  'connection-capacity': () => import('./connection-capacity.js').then((m) => m.connectionCapacityProbe),
  'which-member': () => import('./which-member.js').then((m) => m.whichMemberProbe),
  'certificate-file': () => import('./certificate-file.js').then((m) => m.certificateFileProbe),
  'connection-count-compare': () =>
    import('./connection-count-compare.js').then((m) => m.connectionCountCompareProbe),
};
