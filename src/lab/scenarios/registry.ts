// Every lab scenario, in one literal list (STYLE: explicit registry). Ids are
// stable: `lbdoctor lab up --scenario ID`, the demo and tests name them.
import { UsageError } from '../../errors.js';
import { closeMatch } from '../../suggest.js';
import {
  abnormalStatusHealthy,
  backendForbidden,
  backendNotFound,
  bodyTooLarge,
  forwardingPolicy404,
  httpToHttpsPort,
  transferEncoding501,
  uriTooLong,
} from './abnormal-status.js';
import {
  client499Healthy,
  clientsAbortEarly499,
  clientTimeout499,
  eipBandwidth499,
  slowUpstream499,
} from './client-499.js';
import {
  appCookieMissing,
  sourceIpHash,
  stickinessOff,
  stickyCookie,
  unevenWeights,
  evenRoundRobin,
  keepaliveOnTcp,
  unhealthyMemberShare,
  allWeightsZero,
  memberDown,
  cookieChanging,
  stickyMemberUnhealthy,
  sourceIpSticky,
  stickyFewClients,
} from './distribution.js';
import {
  backendResetMidResponse,
  backendResetOnConnect,
  backendSlow,
  invalidResponseHeader,
  keepaliveRace,
  malformedResponse,
  wrongBackendPort,
} from './gateway-errors.js';
import { healthCheckIntervalShort, healthCheckNoisy, healthCheckQuiet } from './host-noise.js';
import {
  firewallDropsLb,
  healthyHosts,
  hostsDenyLb,
  nginxPortNotListening,
  routeNotViaGateway,
} from './host-unhealthy.js';
import {
  udpEchoFiltered,
  udpEchoIgnored,
  udpFlapping,
  udpRatelimited,
  udpRatemaskDefault,
} from './host-udp.js';
import { allMembersDown, answerBrokeOff, emptyPool, healthy, policyPoolEmpty } from './router-code.js';
import { tcpIdleReset } from './tcp-idle.js';
import {
  tlsExpiredCertificate,
  tlsHealthy,
  tlsHostnameMismatch,
  tlsIncompleteChain,
  tlsNotYetValid,
  tlsOldClient,
  tlsSelfSigned,
  tlsSniNoMatch,
  tlsWildcardLevel,
  tlsWrongChainOrder,
} from './tls.js';
import type { Scenario } from './types.js';
import {
  allMembersSlow,
  oneMemberSlow,
  slowResponseHealthy,
  unhealthyMemberRetries,
} from './slow-response.js';
import { udpHealthy, udpMonitorPortClosed, udpPortClosed } from './udp.js';
import {
  packetLossClientBlocked,
  packetLossHealthy,
  packetLossIpBackendCapacity,
  packetLossPingOnly,
} from './packet-loss.js';
import {
  stressBacklogNginx,
  stressBacklogOverflow,
  stressBurstBlocked,
  stressClientPortsExhausted,
  stressConnlimitReject,
  stressTestHealthy,
} from './stress-test.js';
import { stressConnectionsFewer, stressConnectionsMatch } from './stress-connections.js';
import {
  healthCheckNeedsHost,
  healthCheckTimesOut,
  healthPath404,
  portNotListening,
  weightZero,
} from './unhealthy-backend.js';
import {
  clientIpFromXRealIp,
  clientIpHealthy,
  realIpNotConfigured,
  realIpRangeNotTrusted,
  toaMissing,
  transferClientIpOn,
  apacheRangeNotTrusted,
  apacheClientIpHealthy,
  apacheModuleNotLoaded,
} from './client-ip.js';
import {
  fiveTupleClientPort,
  fiveTupleConflict,
  fiveTupleDistinctPorts,
  fiveTupleFullNat,
} from './five-tuple.js';

export const scenarios: readonly Scenario[] = [
  emptyPool,
  policyPoolEmpty,
  allMembersDown,
  healthy,
  wrongBackendPort,
  backendResetOnConnect,
  backendResetMidResponse,
  malformedResponse,
  invalidResponseHeader,
  backendSlow,
  keepaliveRace,
  backendNotFound,
  backendForbidden,
  uriTooLong,
  transferEncoding501,
  httpToHttpsPort,
  bodyTooLarge,
  forwardingPolicy404,
  abnormalStatusHealthy,
  healthPath404,
  healthCheckNeedsHost,
  portNotListening,
  weightZero,
  unevenWeights,
  sourceIpHash,
  stickinessOff,
  stickyCookie,
  appCookieMissing,
  evenRoundRobin,
  keepaliveOnTcp,
  unhealthyMemberShare,
  allWeightsZero,
  memberDown,
  cookieChanging,
  stickyMemberUnhealthy,
  sourceIpSticky,
  stickyFewClients,
  udpPortClosed,
  udpHealthy,
  slowUpstream499,
  clientTimeout499,
  clientsAbortEarly499,
  eipBandwidth499,
  client499Healthy,
  allMembersSlow,
  oneMemberSlow,
  unhealthyMemberRetries,
  slowResponseHealthy,
  tcpIdleReset,
  tlsExpiredCertificate,
  tlsHostnameMismatch,
  tlsNotYetValid,
  tlsSelfSigned,
  tlsIncompleteChain,
  tlsWrongChainOrder,
  tlsWildcardLevel,
  tlsSniNoMatch,
  tlsOldClient,
  tlsHealthy,
  // On lab hosts (root): the reference LB and the members in network namespaces.
  firewallDropsLb,
  hostsDenyLb,
  routeNotViaGateway,
  nginxPortNotListening,
  healthyHosts,
  udpEchoIgnored,
  udpRatelimited,
  udpFlapping,
  healthCheckNoisy,
  healthCheckIntervalShort,
  healthCheckQuiet,
  packetLossClientBlocked,
  packetLossIpBackendCapacity,
  packetLossPingOnly,
  packetLossHealthy,
  stressBacklogOverflow,
  stressBacklogNginx,
  stressClientPortsExhausted,
  stressTestHealthy,
  realIpNotConfigured,
  realIpRangeNotTrusted,
  clientIpHealthy,
  clientIpFromXRealIp,
  toaMissing,
  transferClientIpOn,
  apacheRangeNotTrusted,
  apacheClientIpHealthy,
  apacheModuleNotLoaded,
  // Kernel load balancers (iptables DNAT) in namespaces, no reference LB.
  fiveTupleConflict,
  fiveTupleClientPort,
  fiveTupleDistinctPorts,
  fiveTupleFullNat,
  healthCheckTimesOut,
  udpMonitorPortClosed,
  udpEchoFiltered,
  udpRatemaskDefault,
  stressConnlimitReject,
  answerBrokeOff,
  stressBurstBlocked,
  stressConnectionsMatch,
  stressConnectionsFewer,
];

/** The scenario with this id; a UsageError naming a close id (a likely typo) otherwise. */
export function findScenario(id: string): Scenario {
  const found = scenarios.find((s) => s.id === id);
  if (found) return found;
  const near = closeMatch(
    id,
    scenarios.map((s) => s.id),
  );
  throw new UsageError(
    `unknown scenario "${id}"`,
    `${near ? `did you mean "${near}"? ` : ''}\`lbdoctor lab scenarios\` lists them all`,
  );
}
