import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../src/engine/engine.js';
import type { Prompter } from '../../../src/engine/facts.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { parsePlaybook } from '../../../src/playbook/load.js';
import type { EngineEvent } from '../../../src/engine/events.js';
import {
  fakeHostProbe,
  fakeNetworkProbe,
  fakeVantages,
  looseContracts,
  registryOf,
} from '../../helpers/fake-probes.js';

const inventory = parseInventory(`
loadbalancer: {name: lb, type: shared, vip_address: 10.0.0.10}
listeners:
  - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: p}
  - {name: raw, protocol: TCP, protocol_port: 9000, default_pool_id: p}
pools:
  - id: p
    protocol: HTTP
    healthmonitor: {type: HTTP, url_path: /health}
    members:
      - {name: be1, address: 10.0.1.1, protocol_port: 8080}
      - {name: be2, address: 10.0.1.2, protocol_port: 8080}
      - {name: be3, address: 10.0.1.3, protocol_port: 8080}
hosts:
  be1: {ssh: "ssh://root@10.0.1.1"}
  be2: {ssh: "ssh://root@10.0.1.2"}
`);

/** Playbooks here run on fake probes: their contracts accept any parameter and any data. */
const contracts = looseContracts(['http', 'tcp', 'sysctl', 'route']);
const pb = (yaml: string) => parsePlaybook('test.yaml', yaml, { contracts }).playbook;

const base = { facts: { set: new Map(), answers: {} }, timeoutMs: 1000, toolVersion: 'test' };

describe('engine: probe branches', () => {
  const playbook = pb(`
id: t
title: t
faq: ["1.6"]
start: req
steps:
  req:
    kind: probe
    title: request
    probe: http
    foreach: listeners
    where: {path: listener.protocol, in: [HTTP, HTTPS]}
    with: {host: "{{ listener.address }}", port: "{{ listener.port }}"}
    branches:
      - {when: {outcome: pass, path: data.headers.x-router-code, equals: "40000"}, goto: empty}
      - {when: {outcome: pass, path: data.status, gte: 500}, goto: server-error}
    default: fine
  empty: {kind: conclude, title: "empty on {{ listener.name }}", severity: error, cause: "pool {{ listener.default_pool_id }} is empty", fix: ["add members to {{ listener.default_pool_id }}"]}
  server-error: {kind: conclude, title: "5xx", severity: warn, cause: "status {{ steps.req.data.status }}"}
  fine: {kind: conclude, title: fine, severity: info, cause: ok}
`);

  it('branches on a header value, renders templates and names the listener it concerns', async () => {
    const calls: Record<string, unknown>[] = [];
    const http = fakeNetworkProbe(
      'http',
      () => ({ outcome: 'pass', data: { status: 503, headers: { 'x-router-code': '40000' } } }),
      calls,
    );
    const result = await runPlaybook({
      ...base,
      playbook,
      inventory,
      loadProbe: registryOf(http),
      vantages: fakeVantages().provider,
    });
    // Only the HTTP listener is requested (where:), with the port kept a number.
    expect(calls).toEqual([{ host: '10.0.0.10', port: 80, vantage: 'local' }]);
    expect(result.findings).toHaveLength(1);
    const f = result.findings[0]!;
    expect(f).toMatchObject({
      code: 't/empty',
      severity: 'error',
      title: 'empty on web',
      cause: 'pool p is empty',
      fix: ['add members to p'],
      path: ['req', 'empty'],
      subject: { kind: 'listener', name: 'web', address: '10.0.0.10:80' },
    });
    // Without explicit evidence, the observations on the path are the evidence.
    expect(f.evidence[0]).toContain('→ pass');
    expect(result.verdict).toBe('fail');
    expect(result.visited).toEqual(['req', 'empty']);
  });

  it('takes the range branch and the default', async () => {
    let status = 502;
    const http = fakeNetworkProbe('http', () => ({ outcome: 'pass', data: { status, headers: {} } }));
    const r1 = await runPlaybook({
      ...base,
      playbook,
      inventory,
      loadProbe: registryOf(http),
      vantages: fakeVantages().provider,
    });
    expect(r1.findings.map((f) => [f.conclusion, f.cause])).toEqual([['server-error', 'status 502']]);
    status = 200;
    const r2 = await runPlaybook({
      ...base,
      playbook,
      inventory,
      loadProbe: registryOf(http),
      vantages: fakeVantages().provider,
    });
    expect(r2.findings.map((f) => f.conclusion)).toEqual(['fine']);
    expect(r2.verdict).toBe('pass');
  });

  it('an error with no branch leaves the walk inconclusive with the reason, never a fail', async () => {
    const playbook2 = pb(`
id: t2
title: t
faq: ["1.6"]
start: req
steps:
  req:
    kind: probe
    title: request
    probe: http
    foreach: listeners
    with: {host: "{{ listener.address }}"}
    branches: [{when: {outcome: pass}, goto: fine}]
  fine: {kind: conclude, title: fine, severity: info, cause: ok}
`);
    const http = fakeNetworkProbe('http', () => ({ outcome: 'error', reason: 'connection refused' }));
    const r = await runPlaybook({
      ...base,
      playbook: playbook2,
      inventory,
      loadProbe: registryOf(http),
      vantages: fakeVantages().provider,
    });
    expect(r.findings).toEqual([]);
    expect(r.inconclusive).toHaveLength(2);
    expect(r.inconclusive[0]!.reason).toContain('connection refused');
    expect(r.verdict).toBe('inconclusive');
  });

  it('works from --target alone, with no inventory', async () => {
    const calls: Record<string, unknown>[] = [];
    const http = fakeNetworkProbe(
      'http',
      () => ({ outcome: 'pass', data: { status: 200, headers: {} } }),
      calls,
    );
    const r = await runPlaybook({
      ...base,
      playbook,
      target: { host: '127.0.0.1', port: 8080, raw: '127.0.0.1:8080' },
      loadProbe: registryOf(http),
      vantages: fakeVantages().provider,
    });
    expect(calls).toEqual([{ host: '127.0.0.1', port: 8080, vantage: 'local' }]);
    expect(r.findings[0]!.subject).toEqual({
      kind: 'listener',
      name: '127.0.0.1:8080',
      address: '127.0.0.1:8080',
    });
  });

  it('emits step events in order', async () => {
    const events: EngineEvent['type'][] = [];
    const http = fakeNetworkProbe('http', () => ({ outcome: 'pass', data: { status: 200 } }));
    await runPlaybook({
      ...base,
      playbook,
      inventory,
      loadProbe: registryOf(http),
      vantages: fakeVantages().provider,
      onEvent: (e) => events.push(e.type),
    });
    expect(events).toEqual(['run-start', 'step-start', 'step-finish', 'finding', 'run-finish']);
  });
});

describe('engine: fan-out over members with host reads', () => {
  const playbook = pb(`
id: hosts
title: t
faq: ["2.4"]
start: direct
steps:
  direct:
    kind: probe
    title: connect to the member directly
    foreach: members
    probe: tcp
    with: {host: "{{ member.address }}", port: "{{ member.protocol_port }}"}
    branches: [{when: {outcome: fail}, goto: down}]
    default: host
  host:
    kind: checklist
    title: read the host
    vantage: member
    items:
      - {id: echo, title: icmp echo, probe: sysctl, with: {want: "0"}, conclude: echo-off}
      - {id: route, title: default route, probe: route, with: {want: "via 10.0.1.254"}, conclude: bad-route}
    next: ok
  down: {kind: conclude, title: "{{ member.name }} refuses", severity: error, cause: "{{ member.hostport }} refused"}
  echo-off: {kind: conclude, title: "echo ignored on {{ member.name }}", severity: error, cause: "seen {{ item.data.value }}"}
  bad-route: {kind: conclude, title: "route on {{ member.name }}", severity: warn, cause: "{{ item.summary }}"}
  ok: {kind: conclude, title: "{{ member.name }} checked", severity: info, cause: done}
`);

  it('forks one walk per member, reads each host once, and reports per member', async () => {
    const tcp = fakeNetworkProbe('tcp', (p) => ({ outcome: p.host === '10.0.1.3' ? 'fail' : 'pass' }));
    const { provider, reads } = fakeVantages({
      be1: { sysctl: '1', route: 'via 10.0.1.254' },
      be2: { sysctl: '0', route: 'via 10.0.9.9' },
    });
    const r = await runPlaybook({
      ...base,
      playbook,
      inventory,
      loadProbe: registryOf(tcp, fakeHostProbe('sysctl', 'sysctl'), fakeHostProbe('route', 'route')),
      vantages: provider,
    });
    const byMember = r.findings.map((f) => `${f.subject?.name}:${f.conclusion}`).sort();
    expect(byMember).toEqual(['be1:echo-off', 'be1:ok', 'be2:bad-route', 'be2:ok', 'be3:down']);
    expect(r.findings.find((f) => f.conclusion === 'echo-off')!.cause).toBe('seen 1');
    expect(r.findings.find((f) => f.conclusion === 'bad-route')!.cause).toBe('route is via 10.0.9.9');
    // One batched read per host, though two host probes ran on each.
    expect(reads).toEqual({ be1: 1, be2: 1 });
    expect(r.hosts.map((h) => h.host).sort()).toEqual(['be1', 'be2']);
    expect(r.hosts[0]).toMatchObject({ connectMs: 5, readMs: 7 });
  });

  it('a member without SSH reach is an error for its checks, not a crash', async () => {
    const tcp = fakeNetworkProbe('tcp', () => ({ outcome: 'pass' }));
    const { provider } = fakeVantages({ be1: { sysctl: '0', route: 'via 10.0.1.254' } }, ['be2', 'be3']);
    const r = await runPlaybook({
      ...base,
      playbook,
      inventory,
      loadProbe: registryOf(tcp, fakeHostProbe('sysctl', 'sysctl'), fakeHostProbe('route', 'route')),
      vantages: provider,
    });
    const be2 = r.checks.filter((c) => c.subject?.name === 'be2' && c.probe !== 'tcp');
    expect(be2.map((c) => c.outcome)).toEqual(['error', 'error']);
    expect(be2[0]!.observation.reason).toContain('ETIMEDOUT');
    expect(r.inconclusive.filter((i) => i.subject?.name === 'be2')).toHaveLength(2);
    expect(r.hosts.find((h) => h.host === 'be2')).toEqual({ host: 'be2', error: 'be2: connect ETIMEDOUT' });
  });
});

describe('engine: facts', () => {
  const playbook = pb(`
id: facts
title: t
faq: ["2.1"]
start: hc
steps:
  hc:
    kind: ask
    title: health check enabled?
    fact: health_check_enabled
    question: Is the health check enabled?
    why: a disabled check marks nothing unhealthy
    console: the pool's Health Check tab
    inventory: pool.healthmonitor.admin_state_up
    scope: pool
    foreach: pools
    branches: [{when: {path: value, equals: false}, goto: disabled}]
    default: sg
    unknown: sg
  sg:
    kind: ask
    title: security group
    fact: sg_allows_lb
    question: Does the security group allow 100.125.0.0/16?
    why: health checks come from there
    console: the members' security group, inbound rules
    branches: [{when: {path: value, equals: false}, goto: blocked}]
    default: fine
    unknown: not-known
  disabled: {kind: conclude, title: disabled, severity: error, cause: off}
  blocked: {kind: conclude, title: blocked, severity: error, cause: "sg: {{ facts.sg_allows_lb }}"}
  fine: {kind: conclude, title: fine, severity: info, cause: ok}
  not-known: {kind: conclude, title: unknown, severity: warn, cause: "could not tell"}
`);
  const run = (facts: Parameters<typeof runPlaybook>[0]['facts']) =>
    runPlaybook({
      ...base,
      facts,
      playbook,
      inventory,
      loadProbe: registryOf(),
      vantages: fakeVantages().provider,
    });

  it('reads the inventory first, then --set, and records where each fact came from', async () => {
    const r = await run({ set: new Map([['sg_allows_lb', 'no']]), answers: {} });
    expect(r.findings.map((f) => [f.conclusion, f.cause])).toEqual([['blocked', 'sg: false']]);
    expect(r.facts).toEqual([
      {
        key: 'health_check_enabled@pool:p',
        question: 'Is the health check enabled?',
        value: true,
        source: 'inventory',
      },
      {
        key: 'sg_allows_lb',
        question: 'Does the security group allow 100.125.0.0/16?',
        value: false,
        source: 'set',
      },
    ]);
  });

  it('takes answers from an answers file', async () => {
    const r = await run({ set: new Map(), answers: { sg_allows_lb: true } });
    expect(r.findings.map((f) => f.conclusion)).toEqual(['fine']);
    expect(r.facts[1]!.source).toBe('answers');
  });

  it('non-interactive and unanswered: takes the unknown branch and says so', async () => {
    const r = await run({ set: new Map(), answers: {} });
    expect(r.findings.map((f) => f.conclusion)).toEqual(['not-known']);
    expect(r.facts[1]).toMatchObject({ key: 'sg_allows_lb', source: 'unknown', value: null });
  });

  it('asks the operator through the prompter, once per fact', async () => {
    const asked: string[] = [];
    const prompt: Prompter = async (q) => {
      asked.push(q.key);
      return false;
    };
    const r = await run({ set: new Map(), answers: {}, prompt });
    expect(asked).toEqual(['sg_allows_lb']);
    expect(r.facts[1]).toMatchObject({ source: 'prompt', value: false });
  });

  it('a --set value of the wrong type is bad input', async () => {
    await expect(run({ set: new Map([['sg_allows_lb', 'perhaps']]), answers: {} })).rejects.toThrow(
      /not a yes\/no answer/,
    );
  });
});

describe('engine: stopping', () => {
  it('an aborted run reports what it had and is marked interrupted', async () => {
    const playbook = pb(`
id: slow
title: t
faq: ["1.9"]
start: a
steps:
  a: {kind: probe, title: a, probe: tcp, with: {}, branches: [{when: {outcome: pass}, goto: b}]}
  b: {kind: probe, title: b, probe: tcp, with: {}, branches: [{when: {outcome: pass}, goto: done}]}
  done: {kind: conclude, title: done, severity: info, cause: ok}
`);
    const controller = new AbortController();
    const tcp = fakeNetworkProbe('tcp', () => {
      controller.abort(new Error('stopped by Ctrl-C'));
      return { outcome: 'pass' };
    });
    const r = await runPlaybook({
      ...base,
      playbook,
      target: { host: 'h', port: 1, raw: 'h:1' },
      loadProbe: registryOf(tcp),
      vantages: fakeVantages().provider,
      signal: controller.signal,
    });
    expect(r.interrupted).toBe(true);
    expect(r.checks).toHaveLength(1);
    expect(r.inconclusive[0]).toMatchObject({ step: 'b', reason: 'stopped by Ctrl-C' });
    expect(r.verdict).toBe('inconclusive');
  });
});

describe('engine: checklist per member (each: members)', () => {
  const playbook = pb(`
id: each
title: t
faq: ["1.6"]
start: req
steps:
  req:
    kind: probe
    title: request
    probe: http
    foreach: listeners
    where: {path: listener.protocol, equals: HTTP}
    with: {}
    default: members
  members:
    kind: checklist
    title: each member
    each: members
    items:
      - {id: hc, title: health, probe: tcp, with: {host: "{{ member.address }}"}, conclude: bad-member}
    next: done
  bad-member: {kind: conclude, title: "{{ member.name }} fails", severity: error, cause: "{{ item.summary }}"}
  done: {kind: conclude, title: "{{ listener.name }} done", severity: info, cause: ok}
`);

  it('runs the items once per member of the listener, then continues the listener walk once', async () => {
    const calls: Record<string, unknown>[] = [];
    const http = fakeNetworkProbe('http', () => ({ outcome: 'pass' }));
    const tcp = fakeNetworkProbe('tcp', (p) => ({ outcome: p.host === '10.0.1.2' ? 'fail' : 'pass' }), calls);
    const r = await runPlaybook({
      ...base,
      playbook,
      inventory,
      loadProbe: registryOf(http, tcp),
      vantages: fakeVantages().provider,
    });
    expect(calls.map((c) => c.host).sort()).toEqual(['10.0.1.1', '10.0.1.2', '10.0.1.3']);
    expect(r.findings.map((f) => `${f.subject?.kind}:${f.subject?.name}:${f.conclusion}`)).toEqual([
      'member:be2:bad-member',
      'listener:web:done',
    ]);
  });

  it('without an inventory there are no members: said, not silently passed', async () => {
    const http = fakeNetworkProbe('http', () => ({ outcome: 'pass' }));
    const r = await runPlaybook({
      ...base,
      playbook,
      target: { host: '127.0.0.1', port: 80, raw: '127.0.0.1:80' },
      loadProbe: registryOf(
        http,
        fakeNetworkProbe('tcp', () => ({ outcome: 'pass' })),
      ),
      vantages: fakeVantages().provider,
    });
    // The walk stops there: going on to "done" would read as "every member checked and fine".
    expect(r.findings.map((f) => f.conclusion)).toEqual([]);
    expect(r.inconclusive[0]!.reason).toContain('no inventory');
    expect(r.verdict).toBe('inconclusive');
  });
});

describe('engine: conclusion templates go through redaction (issue 13)', () => {
  const playbook = pb(`
id: t
title: t
faq: ["1.6"]
start: req
steps:
  req:
    kind: probe
    title: request
    probe: http
    with: {host: 10.0.0.10, port: 80, headers: {Authorization: "Bearer {{ inputs.token }}"}}
    default: seen
  seen:
    kind: conclude
    title: "seen"
    severity: info
    cause: "headers {{ steps.req.data.headers }}"
    evidence:
      - "cookie set: {{ steps.req.data.headers.set-cookie }}"
      - "auth: {{ steps.req.data.headers.authorization }}"
      - "status {{ steps.req.data.status }}"
inputs:
  token: {about: a token}
`);

  it('a headers object keeps its names; a secret header rendered alone keeps its name parts only', async () => {
    const params: unknown[] = [];
    const http = fakeNetworkProbe('http', () => ({
      outcome: 'pass',
      data: {
        status: 200,
        headers: {
          'set-cookie': 'SERVERID=srv-1234; Path=/',
          authorization: 'Bearer echoed-5678',
          'x-trace': 't1',
        },
      },
    }));
    const r = await runPlaybook({
      ...base,
      playbook,
      inputs: { token: 'tok-9012' },
      loadProbe: registryOf(http),
      vantages: fakeVantages().provider,
      onProbeParams: (kind, p) => params.push({ kind, p }),
    });
    const f = r.findings[0]!;
    expect(f.cause).toBe(
      'headers {"set-cookie":"SERVERID=[REDACTED]; Path=/","authorization":"Bearer [REDACTED]","x-trace":"t1"}',
    );
    expect(f.evidence).toEqual([
      'cookie set: SERVERID=[REDACTED]; Path=/',
      'auth: Bearer [REDACTED]',
      'status 200',
    ]);
    // The run sees each probe's rendered parameters: that is how it learns the secrets it sent.
    expect(params).toEqual([
      { kind: 'http', p: { host: '10.0.0.10', port: 80, headers: { Authorization: 'Bearer tok-9012' } } },
    ]);
  });
});
