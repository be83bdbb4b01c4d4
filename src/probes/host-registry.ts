// Host probes: they read a host through the batched HostReader; evaluation is
// pure. The map is typed by HostProbeKind, so a kind without a loader fails to compile.
import type { HostProbeKind } from './contracts/index.js';
import type { ProbeLoader } from './registry.js';

export type { HostProbeKind } from './contracts/index.js';

export const hostProbes: { readonly [K in HostProbeKind]: ProbeLoader } = {
  sysctl: () => import('./sysctl.js').then((m) => m.sysctlProbe),
  'icmp-settings': () => import('./icmp-settings.js').then((m) => m.icmpSettingsProbe),
  route: () => import('./route.js').then((m) => m.routeProbe),
  'interface-address': () => import('./interface-address.js').then((m) => m.interfaceAddressProbe),
  listening: () => import('./listening.js').then((m) => m.listeningProbe),
  firewall: () => import('./firewall.js').then((m) => m.firewallProbe),
  'hosts-deny': () => import('./hosts-deny.js').then((m) => m.hostsDenyProbe),
  load: () => import('./load.js').then((m) => m.loadProbe),
  'ephemeral-ports': () => import('./ephemeral-ports.js').then((m) => m.ephemeralPortsProbe),
  'listen-overflows': () => import('./listen-overflows.js').then((m) => m.listenOverflowsProbe),
  conntrack: () => import('./conntrack.js').then((m) => m.conntrackProbe),
  'kernel-module': () => import('./kernel-module.js').then((m) => m.kernelModuleProbe),
  'real-ip-config': () => import('./real-ip-config.js').then((m) => m.realIpConfigProbe),
  'keepalive-config': () => import('./keepalive-config.js').then((m) => m.keepaliveConfigProbe),
  'access-log-tail': () => import('./access-log-tail.js').then((m) => m.accessLogTailProbe),
  'health-check-log': () => import('./health-check-log.js').then((m) => m.healthCheckLogProbe),
  'logged-client-address': () => import('./logged-client-address.js').then((m) => m.loggedClientAddressProbe),
  'syn-challenge': () => import('./syn-challenge.js').then((m) => m.synChallengeProbe),
  'source-port-reuse': () => import('./source-port-reuse.js').then((m) => m.sourcePortReuseProbe),
  'established-connections': () =>
    import('./established-connections.js').then((m) => m.establishedConnectionsProbe),
};
