// FAQ 1.3 reproduced with real kernel NAT (define-kernel-lb.ts): one client,
// two load balancers keeping its address and port, one member behind both.
// The same source port towards both VIPs gives the member two flows with one
// 5-tuple: the second connection times out, and the member counts the SYN it
// answered with a challenge ACK. Different source ports, or Transfer Client
// IP off, and both connections answer.
import { defineKernelLbScenario } from './define-kernel-lb.js';

export const fiveTupleConflict = defineKernelLbScenario({
  id: 'five-tuple-conflict',
  title:
    'A client connects to two load balancers that keep its address and port, from one source port, and both forward to be1:80',
  faq: '1.3',
  playbook: 'five-tuple-conflict',
  conclusion: 'member-duplicate-tuples',
  transparentClientIp: true,
  clientPorts: [40000, 40000],
});

export const fiveTupleClientPort = defineKernelLbScenario({
  id: 'five-tuple-client-port',
  title:
    'The same conflict seen from the client host only: one source port towards both VIPs, no SSH to the member',
  faq: '1.3',
  playbook: 'five-tuple-conflict',
  conclusion: 'client-fixed-source-port',
  transparentClientIp: true,
  clientPorts: [40000, 40000],
  memberSsh: false,
});

export const fiveTupleDistinctPorts = defineKernelLbScenario({
  id: 'five-tuple-distinct-ports',
  title: 'The same two load balancers keeping the client address, reached from two different source ports',
  faq: '1.3',
  playbook: 'five-tuple-conflict',
  conclusion: 'shared-member-risk',
  transparentClientIp: true,
  clientPorts: [40000, 40001],
});

export const fiveTupleFullNat = defineKernelLbScenario({
  id: 'five-tuple-fullnat',
  title: 'Two load balancers with Transfer Client IP off (fullNAT) in front of be1, one client source port',
  faq: '1.3',
  playbook: 'five-tuple-conflict',
  conclusion: 'no-shared-forwarding',
  transparentClientIp: false,
  clientPorts: [40000, 40000],
});
