// Every lint rule in one literal table (STYLE: one analyzer per file, one
// registry). The key is the rule id and must equal the rule's own `id`; a test
// checks that, and that docs/lint.md documents every code.
//
// FAQ rules the inventory cannot carry, so they are left out on purpose:
// - backend-subnet IP budget (4.3, Table 4-1): needs the backend subnet's size
//   and the addresses other load balancers already take from it; the inventory
//   records neither (members' subnet_cidr_id is an id, not a CIDR).
// - IPv6 enabled on the backend subnet (3.7 note): not in the inventory.
// - QUIC pools' connection-ID algorithm (6.1 Table 6-1): the model's
//   lb_algorithm has no name for it.
// - "cannot be disabled" for Transfer Client IP on dedicated TCP/UDP listeners
//   (3.9): the schema defaults the flag to false, so a written `false` cannot
//   be told from an absent one; the rules that depend on it treat it as on.
// - APP_COOKIE without cookie_name, persistence_timeout outside 1–1440 min and
//   member ports outside 1–65535 are refused by the inventory loader itself
//   (exit 2 with file:line:column), before any rule runs; so are a pool's
//   duplicate address:protocol_port and one member name for two endpoints.
import type { LintRule } from '../types.js';
import { clientIpIgnored } from './client-ip-ignored.js';
import { clientIpSharedMember } from './client-ip-shared-member.js';
import { clientIsMember } from './client-is-member.js';
import { duplicatePolicy } from './duplicate-policy.js';
import { healthCheckHttpFieldIgnored } from './health-check-http-field-ignored.js';
import { healthCheckOff } from './health-check-off.js';
import { healthCheckPort } from './health-check-port.js';
import { healthCheckTimeoutOverInterval } from './health-check-timeout-over-interval.js';
import { idleTimeoutRange } from './idle-timeout-range.js';
import { ipBackendOnShared } from './ip-backend-on-shared.js';
import { ipv6BackendFamily } from './ipv6-backend-family.js';
import { ipv6OnShared } from './ipv6-on-shared.js';
import { layer4ListenerWithoutAddress } from './layer4-listener-without-address.js';
import { listenerWithoutDefaultPool } from './listener-without-default-pool.js';
import { listenerWithoutPool } from './listener-without-pool.js';
import { memberIsLoadBalancer } from './member-is-load-balancer.js';
import { memberStatusContradiction } from './member-status-contradiction.js';
import { policyOnLayer4Listener } from './policy-on-layer4-listener.js';
import { poolAllWeightZero } from './pool-all-weight-zero.js';
import { poolUnused } from './pool-unused.js';
import { poolWithoutMembers } from './pool-without-members.js';
import { protocolPair } from './protocol-pair.js';
import { stickinessType } from './stickiness-type.js';
import { stickinessWithSourceIpHash } from './stickiness-with-source-ip-hash.js';
import { timeoutNotApplicable } from './timeout-not-applicable.js';
import { udpCheckOnNonUdpPool } from './udp-check-on-non-udp-pool.js';
import { udpCheckTimeoutShort } from './udp-check-timeout-short.js';
import { udpPoolWithoutUdpCheck } from './udp-pool-without-udp-check.js';
import { vipOutsideSubnet } from './vip-outside-subnet.js';

/** In the order docs/lint.md lists them: wiring, protocols, stickiness, timeouts, members, health checks, addresses. */
export const RULES = {
  // listeners and pools (3.1, 1.6, 2.1)
  'listener-without-pool': listenerWithoutPool,
  'listener-without-default-pool': listenerWithoutDefaultPool,
  'pool-unused': poolUnused,
  'pool-without-members': poolWithoutMembers,
  // protocols and forwarding policies (5.7, 3.6, 5.9)
  'protocol-pair': protocolPair,
  'policy-on-layer4-listener': policyOnLayer4Listener,
  'duplicate-policy': duplicatePolicy,
  // algorithms and sticky sessions (6.1)
  'stickiness-with-source-ip-hash': stickinessWithSourceIpHash,
  'stickiness-type': stickinessType,
  // listener timeouts (5.6)
  'idle-timeout-range': idleTimeoutRange,
  'timeout-not-applicable': timeoutNotApplicable,
  // members and client addresses (1.3, 3.5, 3.9, 6.13)
  'pool-all-weight-zero': poolAllWeightZero,
  'member-is-load-balancer': memberIsLoadBalancer,
  'client-is-member': clientIsMember,
  'client-ip-shared-member': clientIpSharedMember,
  'client-ip-ignored': clientIpIgnored,
  // health checks (2.1, 2.2, 2.4, 2.8)
  'health-check-off': healthCheckOff,
  'health-check-timeout-over-interval': healthCheckTimeoutOverInterval,
  'health-check-port': healthCheckPort,
  'health-check-http-field-ignored': healthCheckHttpFieldIgnored,
  'udp-check-on-non-udp-pool': udpCheckOnNonUdpPool,
  'udp-pool-without-udp-check': udpPoolWithoutUdpCheck,
  'udp-check-timeout-short': udpCheckTimeoutShort,
  'member-status-contradiction': memberStatusContradiction,
  // addresses (2.1, 3.4, 3.7, 4.3)
  'layer4-listener-without-address': layer4ListenerWithoutAddress,
  'ip-backend-on-shared': ipBackendOnShared,
  'ipv6-on-shared': ipv6OnShared,
  'ipv6-backend-family': ipv6BackendFamily,
  'vip-outside-subnet': vipOutsideSubnet,
} as const satisfies Record<string, LintRule>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];
