// The playbook language, construct by construct, on fake probes: what a walk
// does with an error, a skip, a default, a decide step, checklist counts,
// scoped facts, inputs and every fan-out level.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../../src/engine/engine.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { parsePlaybook } from '../../../src/playbook/load.js';
import type { Observation } from '../../../src/probes/types.js';
import {
  fakeNetworkProbe,
  fakeVantages,
  looseContracts,
  registryOf,
  type Script,
} from '../../helpers/fake-probes.js';

const contracts = looseContracts(['http', 'tcp']);
const pb = (yaml: string) => parsePlaybook('test.yaml', yaml, { contracts }).playbook;
const head = (start: string) => `id: t\ntitle: t\nfaq: ["1.6"]\nstart: ${start}\nsteps:\n`;

const inventory = parseInventory(`
loadbalancers:
  - loadbalancer: {name: lb-a, type: shared, vip_address: 10.0.0.10}
    listeners:
      - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: pa, transparent_client_ip_enable: true}
    pools:
      - id: pa
        protocol: HTTP
        members:
          - {name: be1, address: 10.0.1.1, protocol_port: 8080}
          - {name: be2, address: 10.0.1.2, protocol_port: 8080}
  - loadbalancer: {name: lb-b, type: dedicated, vip_address: 10.0.0.20}
    listeners:
      - {name: api, protocol: TCP, protocol_port: 443, default_pool_id: pb, transparent_client_ip_enable: true}
    pools:
      - id: pb
        protocol: TCP
        members:
          - {name: be1, address: 10.0.1.1, protocol_port: 8080}
hosts:
  be1: {ssh: "ssh://root@10.0.1.1"}
  be2: {ssh: "ssh://root@10.0.1.2"}
`);

async function run(
  yaml: string,
  scripts: Record<string, Script>,
  extra: Partial<Parameters<typeof runPlaybook>[0]> = {},
) {
  return runPlaybook({
    playbook: pb(yaml),
    inventory,
    loadProbe: registryOf(...Object.entries(scripts).map(([k, s]) => fakeNetworkProbe(k, s))),
    vantages: fakeVantages().provider,
    facts: { set: new Map(), answers: {} },
    timeoutMs: 1000,
    toolVersion: 'test',
    ...extra,
  });
}

const refused = (): Partial<Observation> & Pick<Observation, 'outcome'> => ({
  outcome: 'error',
  reason: 'connect ECONNREFUSED',
  summary: 'could not connect',
});

describe('an error is never an answer', () => {
  const yaml = `${head('req')}  req:
    kind: probe
    title: request
    probe: http
    with: {}
    branches: [{when: {path: data.status, gte: 500}, goto: broken}]
    default: fine
  broken: {kind: conclude, title: broken, severity: error, cause: c}
  fine: {kind: conclude, title: fine, severity: error, cause: "default reached"}
`;

  it('default takes pass and fail, never error: the walk stops inconclusive with the reason', async () => {
    const r = await run(yaml, { http: refused }, { target: { host: 'h', port: 1, raw: 'h:1' } });
    expect(r.findings).toEqual([]);
    expect(r.inconclusive).toEqual([
      expect.objectContaining({ step: 'req', reason: 'could not check: connect ECONNREFUSED' }),
    ]);
    expect(r.verdict).toBe('inconclusive');
  });

  it('on_error routes an error where the playbook says', async () => {
    const r = await run(
      yaml.replace('default: fine', 'default: fine\n    on_error: broken'),
      { http: refused },
      { target: { host: 'h', port: 1, raw: 'h:1' } },
    );
    expect(r.findings.map((f) => f.conclusion)).toEqual(['broken']);
  });

  it('a branch naming outcome error takes it; one naming none does not', async () => {
    const named = yaml.replace(
      'branches: [{when: {path: data.status, gte: 500}, goto: broken}]',
      'branches: [{when: {outcome: error, path: reason, matches: REFUSED}, goto: broken}]',
    );
    const r = await run(named, { http: refused }, { target: { host: 'h', port: 1, raw: 'h:1' } });
    expect(r.findings.map((f) => f.conclusion)).toEqual(['broken']);
    const unnamed = yaml.replace(
      'branches: [{when: {path: data.status, gte: 500}, goto: broken}]',
      'branches: [{when: {path: data.status, exists: false}, goto: broken}]',
    );
    const r2 = await run(unnamed, { http: refused }, { target: { host: 'h', port: 1, raw: 'h:1' } });
    expect(r2.findings).toEqual([]);
  });

  it('a skip goes only where a branch names it', async () => {
    const r = await run(
      yaml,
      { http: () => ({ outcome: 'skip', reason: 'UDP cannot be probed over SSH' }) },
      { target: { host: 'h', port: 1, raw: 'h:1' } },
    );
    expect(r.findings).toEqual([]);
    expect(r.inconclusive[0]!.reason).toBe('skipped: UDP cannot be probed over SSH');
  });
});

describe('decide: branch on everything known', () => {
  const yaml = `${head('outside')}  outside:
    kind: probe
    title: from here
    foreach: members
    probe: http
    with: {host: "{{ member.address }}"}
    default: inside
    on_error: inside
  inside:
    kind: probe
    title: from the member
    probe: tcp
    with: {host: "{{ member.address }}"}
    default: verdict
  verdict:
    kind: decide
    title: healthy inside but not outside?
    cases:
      - when: {all: [{path: steps.inside.outcome, equals: pass}, {path: steps.outside.outcome, equals: fail}]}
        goto: path-blocked
      - when: {path: steps.outside.data.status, equals: "{{ steps.inside.data.status }}"}
        goto: same-answer
    default: app-down
  path-blocked: {kind: conclude, title: "{{ member.name }}: path blocked", severity: error, cause: c}
  same-answer: {kind: conclude, title: "{{ member.name }}: same", severity: info, cause: c}
  app-down: {kind: conclude, title: "{{ member.name }}: app down", severity: error, cause: c}
`;

  it('combines two steps in one case, and compares two observations', async () => {
    const r = await run(yaml, {
      http: (p) =>
        p.host === '10.0.1.1'
          ? { outcome: 'fail', data: { status: 0 } }
          : { outcome: 'pass', data: { status: 200 } },
      tcp: () => ({ outcome: 'pass', data: { status: 200 } }),
    });
    const by = Object.fromEntries(r.findings.map((f) => [f.subject?.name, f.conclusion]));
    expect(by).toEqual({ be1: 'path-blocked', be2: 'same-answer' });
  });

  it('does not take its default when a step it reads could not check', async () => {
    const r = await run(yaml, { http: refused, tcp: () => ({ outcome: 'fail', data: {} }) });
    expect(r.findings).toEqual([]);
    // One walk per member of each pool: be1 is in both load balancers' pools.
    expect(r.inconclusive.map((i) => `${i.subject?.name}: ${i.reason}`)).toEqual([
      'be1: cannot decide "verdict": outside: could not check: connect ECONNREFUSED',
      'be2: cannot decide "verdict": outside: could not check: connect ECONNREFUSED',
      'be1: cannot decide "verdict": outside: could not check: connect ECONNREFUSED',
    ]);
  });
});

describe('checklist results are data', () => {
  const yaml = `${head('members')}  members:
    kind: checklist
    title: every member
    foreach: pools
    where: {path: pool.id, equals: pa}
    each: members
    items:
      - {id: hc, title: health, probe: tcp, with: {host: "{{ member.address }}"}, conclude: bad}
    branches:
      - {when: {path: data.failed, equals: none}, goto: all-pass}
      - {when: {path: data.items.hc.failed, equals: all}, goto: all-fail}
    next: mixed
  bad: {kind: conclude, title: "{{ member.name }} fails", severity: warn, cause: c}
  all-pass: {kind: conclude, title: "every member passes from here", severity: error, cause: "{{ steps.members.data.counts.pass }}/{{ steps.members.data.counts.total }}"}
  all-fail: {kind: conclude, title: "every member fails", severity: error, cause: "{{ steps.members.summary }}"}
  mixed: {kind: conclude, title: "some fail: {{ steps.members.data.items.hc.failing }}", severity: error, cause: c}
`;

  it.each([
    ['none failed', () => 'pass' as const, ['all-pass'], '2/2'],
    ['all failed', () => 'fail' as const, ['bad', 'bad', 'all-fail'], undefined],
    [
      'some failed',
      (h: unknown) => (h === '10.0.1.2' ? ('fail' as const) : ('pass' as const)),
      ['bad', 'mixed'],
      undefined,
    ],
  ])('%s', async (_name, outcome, conclusions, cause) => {
    const r = await run(yaml, { tcp: (p) => ({ outcome: outcome(p.host) }) });
    expect(r.findings.map((f) => f.conclusion)).toEqual(conclusions);
    if (cause) expect(r.findings.at(-1)!.cause).toBe(cause);
    if (conclusions.includes('mixed')) expect(r.findings.at(-1)!.title).toBe('some fail: ["be2"]');
  });

  it('nothing checkable: inconclusive, never "every member passes"', async () => {
    const r = await run(yaml, { tcp: refused });
    expect(r.findings).toEqual([]);
    expect(r.inconclusive).toHaveLength(2);
    expect(r.verdict).toBe('inconclusive');
  });

  it('some could not be checked and none failed: failed is unknown, not none', async () => {
    const r = await run(yaml, { tcp: (p) => (p.host === '10.0.1.1' ? refused() : { outcome: 'pass' }) });
    expect(r.findings.map((f) => f.conclusion)).toEqual(['mixed']);
  });

  it("sums each item's numeric data over the runs that checked (a pool's connections), leaving errors out", async () => {
    const total = 'cause: "{{ steps.members.data.items.hc.totals.open | \'none\' }} open"';
    const counted = yaml
      .replace('cause: "{{ steps.members.data.counts.pass }}/{{ steps.members.data.counts.total }}"', total)
      .replace('severity: error, cause: c}', `severity: error, ${total}}`);
    const open = { '10.0.1.1': 3, '10.0.1.2': 4 } as Record<string, number>;
    const r = await run(counted, {
      tcp: (p) => ({ outcome: 'pass', data: { open: open[p.host as string], note: 'not a number' } }),
    });
    expect(r.findings.map((f) => `${f.conclusion}: ${f.cause}`)).toEqual(['all-pass: 7 open']);
    // be1 could not be read: failed is unknown (mixed), and the sum holds be2's only.
    const oneDown = await run(counted, {
      tcp: (p) => (p.host === '10.0.1.1' ? refused() : { outcome: 'pass', data: { open: 4 } }),
    });
    expect(oneDown.findings.map((f) => `${f.conclusion}: ${f.cause}`)).toEqual(['mixed: 4 open']);
  });
});

describe('facts are resolved per walk, by scope', () => {
  const yaml = `${head('hc')}  hc:
    kind: ask
    title: health check on?
    foreach: pools
    fact: hc_on
    question: Is the health check of this pool enabled?
    why: a pool without one never marks members unhealthy
    console: Backend Server Groups → the pool → Health Check
    scope: pool
    default: said
    unknown: said
  said: {kind: conclude, title: "{{ pool.id }}: {{ facts.hc_on | 'unknown' }}", severity: info, cause: c}
`;

  it("pool pa's conclusion renders pool pa's answer, not pool pb's", async () => {
    const r = await run(yaml, {}, { facts: { set: new Map([['hc_on@pool:pa', 'true']]), answers: {} } });
    expect(r.findings.map((f) => f.title).sort()).toEqual(['pa: true', 'pb: unknown']);
  });
});

describe('fan-out at every level, the whole inventory readable', () => {
  it('loadbalancers and hosts', async () => {
    const yaml = `${head('each-lb')}  each-lb:
    kind: decide
    title: per load balancer
    foreach: loadbalancers
    cases: [{when: {path: lb.type, equals: dedicated}, goto: dedicated}]
    default: shared
  dedicated: {kind: conclude, title: "{{ lb.name }} dedicated of {{ inventory.loadbalancers.length }}", severity: info, cause: c}
  shared: {kind: conclude, title: "{{ lb.name }} shared", severity: info, cause: c}
`;
    const r = await run(yaml, {});
    expect(r.findings.map((f) => [f.subject, f.title])).toEqual([
      [{ kind: 'loadbalancer', name: 'lb-a' }, 'lb-a shared'],
      [{ kind: 'loadbalancer', name: 'lb-b' }, 'lb-b dedicated of 2'],
    ]);
    const hosts = `${head('each-host')}  each-host:
    kind: decide
    title: per host
    foreach: hosts
    cases: [{when: {path: host.member.address, exists: true}, goto: known}]
    default: known
  known: {kind: conclude, title: "{{ host.name }} at {{ host.ssh }}", severity: info, cause: c}
`;
    const h = await run(hosts, {});
    expect(h.findings.map((f) => `${f.subject?.kind}:${f.title}`)).toEqual([
      'host:be1 at ssh://root@10.0.1.1',
      'host:be2 at ssh://root@10.0.1.2',
    ]);
  });

  it('FAQ 1.3: a member that two load balancers forward to with the client IP kept', async () => {
    const yaml = `${head('each-member')}  each-member:
    kind: decide
    title: shared backend port?
    foreach: members
    cases: [{when: {path: member.client_ip_forwarders, gt: 1}, goto: conflict}]
    default: fine
  conflict: {kind: conclude, title: "{{ member.name }} behind {{ member.forwarded_by.length }} listeners", severity: error, cause: c}
  fine: {kind: conclude, title: "{{ member.name }} fine", severity: info, cause: c}
`;
    const r = await run(yaml, {});
    expect(r.findings.map((f) => `${f.subject?.name}:${f.title}`)).toEqual([
      'be1:be1 behind 2 listeners',
      'be2:be2 fine',
      'be1:be1 behind 2 listeners',
    ]);
  });
});

describe('inputs', () => {
  const yaml = `${head('req')}inputs:
  path: {about: the path to request, default: /}
`;
  it('reads a given input, or its default', async () => {
    const text = `${yaml.replace('steps:\n', '')}steps:
  req: {kind: probe, title: r, probe: http, with: {path: "{{ inputs.path }}"}, default: done}
  done: {kind: conclude, title: "{{ inputs.path }}", severity: info, cause: c}
`;
    const calls: Record<string, unknown>[] = [];
    const http = fakeNetworkProbe('http', () => ({ outcome: 'pass' }), calls);
    const base = {
      playbook: pb(text),
      target: { host: 'h', port: 1, raw: 'h:1' },
      loadProbe: registryOf(http),
      vantages: fakeVantages().provider,
      facts: { set: new Map(), answers: {} },
      timeoutMs: 1000,
      toolVersion: 't',
    };
    expect((await runPlaybook(base)).findings[0]!.title).toBe('/');
    expect((await runPlaybook({ ...base, inputs: { path: '/health' } })).findings[0]!.title).toBe('/health');
    expect(calls.map((c) => c.path)).toEqual(['/', '/health']);
  });
});

describe("run.id and listener.index: marking a request as this run's, through this listener", () => {
  const yaml = `${head('req')}  req:
    kind: probe
    title: r
    foreach: listeners
    probe: http
    with: {path: "/mark?run={{ run.id }}&listener={{ listener.index }}"}
    default: done
  done: {kind: conclude, title: "{{ listener.name }} {{ run.id }}", severity: info, cause: c}
`;
  it('one random id for every walk of a run, another for the next run; listeners numbered across load balancers', async () => {
    const calls: Record<string, unknown>[] = [];
    const scripts = { http: () => ({ outcome: 'pass' as const }) };
    const first = await run(
      yaml,
      {},
      { loadProbe: registryOf(fakeNetworkProbe('http', scripts.http, calls)) },
    );
    const paths = calls.map((c) => c.path as string).sort();
    const id = /run=([0-9a-f]{12})&/.exec(paths[0]!)![1]!;
    expect(paths).toEqual([`/mark?run=${id}&listener=1`, `/mark?run=${id}&listener=2`]);
    expect(first.findings.map((f) => f.title).sort()).toEqual([`api ${id}`, `web ${id}`]);
    calls.length = 0;
    await run(yaml, {}, { loadProbe: registryOf(fakeNetworkProbe('http', scripts.http, calls)) });
    expect(calls[0]!.path).not.toContain(id);
    calls.length = 0;
    await run(
      yaml,
      {},
      {
        runId: 'fixed',
        loadProbe: registryOf(fakeNetworkProbe('http', scripts.http, calls)),
      },
    );
    expect(calls.map((c) => c.path).sort()).toEqual([
      '/mark?run=fixed&listener=1',
      '/mark?run=fixed&listener=2',
    ]);
  });
});

describe('conclude: chart', () => {
  const yaml = `${head('req')}  req: {kind: probe, title: r, probe: http, with: {}, default: done}
  done:
    kind: conclude
    title: t
    severity: warn
    cause: c
    chart:
      title: "Shares on {{ target.raw }}"
      bars: "{{ steps.req.data.rows }}"
      label: name
      value: share
      reference: weight
      unit: share
      reference_label: weight
`;
  const target = { host: 'h', port: 1, raw: 'h:1' };

  it('one bar per item, numbers as data; items without a number are left out', async () => {
    const rows = [
      { name: 'be1', share: 0.7, weight: 0.5 },
      { name: 'be2', share: 0.3, weight: 0.5 },
      { name: 'be3', share: 'n/a', weight: 0 },
    ];
    const r = await run(yaml, { http: () => ({ outcome: 'pass', data: { rows } }) }, { target });
    expect(r.findings[0]!.chart).toEqual({
      kind: 'bars',
      title: 'Shares on h:1',
      unit: 'share',
      valueLabel: 'share',
      referenceLabel: 'weight',
      bars: [
        { label: 'be1', value: 0.7, reference: 0.5 },
        { label: 'be2', value: 0.3, reference: 0.5 },
      ],
    });
  });

  it('no list, or nothing to draw: no chart, and the finding stands', async () => {
    for (const data of [{}, { rows: 'be1 70%' }, { rows: [{ name: 'be1' }] }]) {
      const r = await run(yaml, { http: () => ({ outcome: 'pass', data }) }, { target });
      expect(r.findings[0]!.conclusion).toBe('done');
      expect(r.findings[0]!.chart).toBeUndefined();
    }
  });
});

describe('once_per: a finding about the listener, reached by each member walk, is reported once', () => {
  const yaml = (oncePer: string) => `${head('each')}  each:
    kind: probe
    title: each member
    foreach: members
    where: {path: listener.name, equals: web}
    probe: tcp
    with: {host: "{{ member.address }}"}
    default: pool-short
  pool-short: {kind: conclude, title: "{{ listener.name }}: the pool is short", severity: warn, cause: c${oncePer}}
`;

  it('once, about the listener, while every member was still checked', async () => {
    const r = await run(yaml(', once_per: listener'), { tcp: () => ({ outcome: 'pass' }) });
    expect(r.findings.map((f) => [f.conclusion, f.subject])).toEqual([
      ['pool-short', { kind: 'listener', name: 'web', address: '10.0.0.10:80' }],
    ]);
    expect(r.checks.map((c) => c.subject?.name).sort()).toEqual(['be1', 'be2']);
    expect(r.inconclusive).toEqual([]);
  });

  it('without once_per, once per member walk, about the member', async () => {
    const r = await run(yaml(''), { tcp: () => ({ outcome: 'pass' }) });
    expect(r.findings.map((f) => f.subject?.name).sort()).toEqual(['be1', 'be2']);
  });

  it('once per listener, not once per run: each load balancer’s listener gets its own', async () => {
    const all = yaml(', once_per: listener').replace('    where: {path: listener.name, equals: web}\n', '');
    const r = await run(all, { tcp: () => ({ outcome: 'pass' }) });
    expect(r.findings.map((f) => f.subject?.name).sort()).toEqual(['api', 'web']);
  });
});
