// Every probe's contract in one literal table, typed so a kind without a
// contract (or a contract filed under another kind, or with the wrong `needs`)
// fails to compile. Light: importing this loads zod schemas only, never a
// probe's implementation; the playbook validator and docs/probes.md read it.
import type { ProbeContract } from '../types.js';
import { accessLogSummaryContract } from './access-log-summary.js';
import { certificateFileContract } from './certificate-file.js';
import { accessLogTailContract } from './access-log-tail.js';
import { conntrackContract } from './conntrack.js';
import { elbHealthContract } from './elb-health.js';
import { accessControlContract } from './access-control.js';
import { tcpIdleContract } from './tcp-idle.js';
import { ephemeralPortsContract } from './ephemeral-ports.js';
import { firewallContract } from './firewall.js';
import { healthCheckLogContract } from './health-check-log.js';
import { hostsDenyContract } from './hosts-deny.js';
import { httpContract } from './http.js';
import { httpKeepaliveContract } from './http-keepalive.js';
import { httpTimingContract } from './http-timing.js';
import { icmpSettingsContract } from './icmp-settings.js';
import { interfaceAddressContract } from './interface-address.js';
import { keepaliveConfigContract } from './keepalive-config.js';
import { kernelModuleContract } from './kernel-module.js';
import { listenOverflowsContract } from './listen-overflows.js';
import { listeningContract } from './listening.js';
import { loadContract } from './load.js';
import { loggedClientAddressContract } from './logged-client-address.js';
import { pingContract } from './ping.js';
import { realIpConfigContract } from './real-ip-config.js';
import { routeContract } from './route.js';
import { sourcePortReuseContract } from './source-port-reuse.js';
import { synChallengeContract } from './syn-challenge.js';
import { sysctlContract } from './sysctl.js';
import { tcpContract } from './tcp.js';
import { tlsContract } from './tls.js';
import { udpContract } from './udp.js';
import { websocketContract } from './websocket.js';
import { tcpBurstContract } from './tcp-burst.js';
import { connectionCapacityContract } from './connection-capacity.js';
import { whichMemberContract } from './which-member.js';
import { establishedConnectionsContract } from './established-connections.js';
import { connectionCountCompareContract } from './connection-count-compare.js';

export type { ProbeContract } from '../types.js';

/** Probes that take a Dialer and run from any vantage (src/probes/network-registry.ts). */
export type NetworkProbeKind =
  | 'tcp'
  | 'http'
  | 'tls'
  | 'udp'
  | 'ping'
  | 'websocket'
  | 'elb-health'
  | 'access-control'
  | 'tcp-idle'
  | 'http-keepalive'
  | 'http-timing'
  | 'access-log-summary'
  | 'tcp-burst'
  | 'connection-capacity'
  | 'which-member'
  | 'certificate-file'
  | 'connection-count-compare';

/** Probes that read a host through the batched HostReader (src/probes/host-registry.ts). */
export type HostProbeKind =
  | 'sysctl'
  | 'icmp-settings'
  | 'route'
  | 'interface-address'
  | 'listening'
  | 'firewall'
  | 'hosts-deny'
  | 'load'
  | 'ephemeral-ports'
  | 'listen-overflows'
  | 'conntrack'
  | 'kernel-module'
  | 'real-ip-config'
  | 'keepalive-config'
  | 'access-log-tail'
  | 'health-check-log'
  | 'logged-client-address'
  | 'syn-challenge'
  | 'source-port-reuse'
  | 'established-connections';

export type ProbeKind = NetworkProbeKind | HostProbeKind;

type ContractsFor<Kinds extends string, Needs extends ProbeContract['needs']> = {
  readonly [K in Kinds]: ProbeContract & { readonly kind: K; readonly needs: Needs };
};

export const probeContracts = {
  tcp: tcpContract,
  http: httpContract,
  tls: tlsContract,
  udp: udpContract,
  ping: pingContract,
  websocket: websocketContract,
  'elb-health': elbHealthContract,
  'access-control': accessControlContract,
  'tcp-idle': tcpIdleContract,
  'http-keepalive': httpKeepaliveContract,
  'http-timing': httpTimingContract,
  'access-log-summary': accessLogSummaryContract,
  'which-member': whichMemberContract,
  'certificate-file': certificateFileContract,
  sysctl: sysctlContract,
  'icmp-settings': icmpSettingsContract,
  route: routeContract,
  'interface-address': interfaceAddressContract,
  listening: listeningContract,
  firewall: firewallContract,
  'hosts-deny': hostsDenyContract,
  load: loadContract,
  'ephemeral-ports': ephemeralPortsContract,
  'listen-overflows': listenOverflowsContract,
  conntrack: conntrackContract,
  'kernel-module': kernelModuleContract,
  'real-ip-config': realIpConfigContract,
  'keepalive-config': keepaliveConfigContract,
  'access-log-tail': accessLogTailContract,
  'health-check-log': healthCheckLogContract,
  'tcp-burst': tcpBurstContract,
  'connection-capacity': connectionCapacityContract,
  'logged-client-address': loggedClientAddressContract,
  'syn-challenge': synChallengeContract,
  'source-port-reuse': sourcePortReuseContract,
  'established-connections': establishedConnectionsContract,
  'connection-count-compare': connectionCountCompareContract,
} as const satisfies ContractsFor<NetworkProbeKind, 'network'> & ContractsFor<HostProbeKind, 'host'>;

/** Every probe kind, sorted. */
export function probeKinds(): ProbeKind[] {
  return (Object.keys(probeContracts) as ProbeKind[]).sort();
}

export function isProbeKind(kind: string): kind is ProbeKind {
  return Object.hasOwn(probeContracts, kind);
}
