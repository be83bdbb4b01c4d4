// Every lab scenario, in one literal list (STYLE: explicit registry). Ids are
// stable: `lbdoctor lab up --scenario ID`, the demo and tests name them.
import { distance } from 'fastest-levenshtein';
import { UsageError } from '../../errors.js';
import { slowUpstream499 } from './client-499.js';
import {
  appCookieMissing,
  sourceIpHash,
  stickinessOff,
  stickyCookie,
  unevenWeights,
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
import { allMembersDown, emptyPool, healthy, policyPoolEmpty } from './router-code.js';
import { tcpIdleReset } from './tcp-idle.js';
import { tlsExpiredCertificate, tlsHostnameMismatch } from './tls.js';
import type { Scenario } from './types.js';
import { udpPortClosed } from './udp.js';
import { healthCheckNeedsHost, healthPath404, portNotListening, weightZero } from './unhealthy-backend.js';

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
  healthPath404,
  healthCheckNeedsHost,
  portNotListening,
  weightZero,
  unevenWeights,
  sourceIpHash,
  stickinessOff,
  stickyCookie,
  appCookieMissing,
  udpPortClosed,
  slowUpstream499,
  tcpIdleReset,
  tlsExpiredCertificate,
  tlsHostnameMismatch,
];

/** The scenario with this id; a UsageError naming the closest id otherwise. */
export function findScenario(id: string): Scenario {
  const found = scenarios.find((s) => s.id === id);
  if (found) return found;
  const closest = closestId(id);
  throw new UsageError(
    `unknown scenario "${id}"`,
    `${closest ? `did you mean "${closest}"? ` : ''}\`lbdoctor lab scenarios\` lists them all`,
  );
}

function closestId(id: string): string | undefined {
  let best: { id: string; d: number } | undefined;
  for (const s of scenarios) {
    const d = distance(id, s.id);
    if (!best || d < best.d) best = { id: s.id, d };
  }
  // A suggestion further away than half the word is noise.
  return best && best.d <= Math.max(3, Math.ceil(id.length / 2)) ? best.id : undefined;
}
