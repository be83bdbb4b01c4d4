// `validate` checks what the engine will do: every path a step reads must
// exist at that step, every probe parameter must exist, a member vantage needs
// a member. Each mistake below validated as "ok" before; each is now located.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, InputError } from '../../../src/errors.js';
import { parsePlaybook } from '../../../src/playbook/load.js';

function problemsOf(yaml: string, file = 'pb.yaml'): string[] {
  try {
    parsePlaybook(file, yaml);
  } catch (err) {
    if (err instanceof InputError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

const request = (extra = '', withs = 'host: "{{ listener.address }}", port: "{{ listener.port }}"') => `id: x
title: x
faq: ["1.6"]
start: request
steps:
  request:
    kind: probe
    title: r
    foreach: listeners
    probe: http
    with: {${withs}}
    ${extra}default: done
  done: {kind: conclude, title: "{{ steps.request.summary }}", severity: info, cause: c}
`;

describe('validate: paths, parameters and vantages', () => {
  it('accepts a well-typed playbook', () => {
    expect(problemsOf(request())).toEqual([]);
  });

  it('a misspelt inventory field', () => {
    expect(problemsOf(request('', 'host: "{{ listener.adress }}", port: 80'))).toEqual([
      'pb.yaml:11:18: steps.request.with.host: "listener.adress" does not exist: no "listener.adress" (expected "address"?)',
    ]);
  });

  it('run.id is known; a misspelt run field is not', () => {
    const marked = (t: string) =>
      request('', `host: x, port: 80, path: "/m?r={{ ${t} }}&l={{ listener.index }}"`);
    expect(problemsOf(marked('run.id'))).toEqual([]);
    expect(problemsOf(marked('run.di'))).toEqual([
      expect.stringMatching(
        /steps\.request\.with\.path: "run\.di" does not exist: no "run\.di" \(expected "id"\?\)$/,
      ),
    ]);
  });

  it('a misspelt step', () => {
    expect(problemsOf(request().replace('steps.request.summary', 'steps.reqest.summary'))).toEqual([
      'pb.yaml:13:33: steps.done.title: "steps.reqest.summary": there is no step "reqest" (expected "request"?)',
    ]);
  });

  it('an unknown probe parameter, and a literal one of the wrong type', () => {
    expect(
      problemsOf(request('', 'host: x, port: "{{ listener.port }}", prot: tcp, insecure: maybe')),
    ).toEqual([
      'pb.yaml:11:56: steps.request.with.prot: probe http has no parameter "prot" (expected "port"?)',
      'pb.yaml:11:71: steps.request.with.insecure: invalid value for http.insecure: Invalid input: expected boolean, received string',
    ]);
  });

  it("a branch path that is not in the probe's data", () => {
    expect(
      problemsOf(request('branches: [{when: {path: data.header.x, equals: "1"}, goto: done}]\n    ')),
    ).toEqual([
      `pb.yaml:12:30: steps.request.branches[0].when.path: "data.header.x" is not in this step's result: no "data.header" (expected "headers"?)`,
    ]);
  });

  it('an unquoted fallback is not a template: it would be printed as written', () => {
    expect(
      problemsOf(
        request().replace('"{{ steps.request.summary }}"', `"{{ steps.request.summary | listener.name }}"`),
      ),
    ).toEqual([
      `pb.yaml:13:33: steps.done.title: "{{ steps.request.summary | listener.name }}" is not a template and would be printed as written (expected {{ path }} or {{ path | 'fallback text' }} (the fallback is quoted text, not a path))`,
    ]);
  });

  it('vantage member under foreach: listeners', () => {
    expect(problemsOf(request('vantage: member\n    '))).toEqual([
      'pb.yaml:12:14: steps.request.vantage: runs on the member, but step "request" is not bound to one (expected foreach: members (or a checklist with each: members))',
    ]);
  });

  it('a step that does not run on every path needs a fallback; one that never runs before is an error', () => {
    const yaml = `id: x
title: x
faq: ["1.6"]
start: a
steps:
  a: {kind: probe, title: a, probe: tcp, with: {host: h, port: 1}, branches: [{when: {outcome: fail}, goto: b}], default: done}
  b: {kind: probe, title: b, probe: tcp, with: {host: h, port: 2}, default: done}
  done: {kind: conclude, title: "{{ steps.b.summary }} {{ steps.b.summary | 'not checked' }}", severity: info, cause: "{{ steps.done.summary }}"}
`;
    expect(problemsOf(yaml)).toEqual([
      `pb.yaml:8:33: steps.done.title: "steps.b.summary": step "b" does not run on every path to step "done" (expected a fallback: {{ steps.x.summary | 'not checked' }})`,
      'pb.yaml:8:119: steps.done.cause: "steps.done.summary": step "done" never runs before step "done"',
    ]);
  });

  it('a conclusion that points to a playbook id FAQ-MAP does not have', () => {
    const yaml = `id: x
title: x
faq: ["1.6"]
start: done
steps:
  done: {kind: conclude, title: t, severity: info, cause: c, see: [gateway-error]}
`;
    expect(problemsOf(yaml)).toEqual([
      'pb.yaml:6:68: steps.done.see[0]: "gateway-error" is not a playbook id (expected "gateway-errors"?)',
    ]);
  });

  it('a conclusion that links an explain topic that does not exist', () => {
    const yaml = `id: x
title: x
faq: ["1.6"]
start: done
steps:
  done: {kind: conclude, title: t, severity: info, cause: c, explain: [active-connection, websocket]}
`;
    expect(problemsOf(yaml)).toEqual([
      'pb.yaml:6:72: steps.done.explain[0]: "active-connection" is not an explain topic (`lbdoctor explain` lists them) (expected "active-connections"?)',
    ]);
  });
});

describe('validate: once_per', () => {
  const yaml = (title: string, evidence = '[]') => `id: x
title: x
faq: ["1.6"]
start: each
steps:
  each: {kind: probe, title: e, foreach: members, probe: tcp, with: {host: "{{ member.address }}", port: 1}, default: done}
  done: {kind: conclude, title: "${title}", severity: warn, cause: c, evidence: ${evidence}, once_per: listener}
`;

  it('a finding reported once per listener may read the listener, not the member it came from', () => {
    expect(problemsOf(yaml('{{ listener.name }}: too few connections'))).toEqual([]);
    expect(
      problemsOf(yaml('{{ member.name }}: too few', '["{{ pool.id }}", "{{ member.address }}"]')),
    ).toEqual([
      'pb.yaml:7:33: steps.done.title: "{{ member.name }}" differs from walk to walk, but once_per: listener reports this finding once (expected nothing below the listener (no member, host or item), or no once_per)',
      'pb.yaml:7:117: steps.done.evidence[1]: "{{ member.address }}" differs from walk to walk, but once_per: listener reports this finding once (expected nothing below the listener (no member, host or item), or no once_per)',
    ]);
  });
});

describe('validate: fragments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbd-fragments-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'fragments'));
  writeFileSync(
    join(dir, 'fragments', 'probe-twice.yaml'),
    `id: probe-twice
title: two probes
needs: [after]
steps:
  first: {kind: probe, title: first, probe: tcp, with: {host: "{{ member.adress }}", port: 1}, default: after}
`,
  );
  const file = join(dir, 'pb.yaml');

  it('a fragment problem is located in the fragment file; its needs must exist', () => {
    const p = problemsOf(
      `id: x
title: x
faq: ["1.6"]
include: [probe-twice]
start: fan
steps:
  fan: {kind: decide, title: f, foreach: members, cases: [{when: {path: member.weight, gt: 0}, goto: first}], default: after}
  after: {kind: conclude, title: t, severity: info, cause: c}
`,
      file,
    );
    expect(p).toEqual([
      `${join(dir, 'fragments', 'probe-twice.yaml')}:5:63: steps.first.with.host: "member.adress" does not exist: no "member.adress" (expected "address"?)`,
    ]);
    expect(
      problemsOf(
        'id: x\ntitle: x\nfaq: ["1.6"]\ninclude: [probe-twice]\nstart: first\nsteps: {}\n',
        file,
      ).join('\n'),
    ).toContain('fragment probe-twice hands the walk to step "after", which x does not define');
    expect(
      problemsOf('id: x\ntitle: x\nfaq: ["1.6"]\ninclude: [nope]\nstart: a\nsteps: {}\n', file).join('\n'),
    ).toContain('pb.yaml:4:11: include[0]: fragment "nope" not found');
  });
});

describe('validate: charts', () => {
  const charted = (chart: string) => `id: x
title: x
faq: ["1.8"]
start: request
steps:
  request:
    kind: probe
    title: r
    foreach: listeners
    probe: http
    with: {host: "{{ listener.address }}", port: "{{ listener.port }}"}
    default: done
  done:
    kind: conclude
    title: t
    severity: info
    cause: c
    chart: ${chart}
`;
  const good = '{title: "Weights of {{ pool.id }}", bars: "{{ pool.members }}", label: name, value: weight}';

  it('accepts a list with the fields it names', () => {
    expect(problemsOf(charted(good))).toEqual([]);
  });

  it('a misspelt field, and a field that is not a number', () => {
    expect(
      problemsOf(
        charted(good.replace('label: name', 'label: nmae').replace('value: weight', 'value: address')),
      ),
    ).toEqual([
      'pb.yaml:18:83: steps.done.chart.label: "nmae" is not a field of the items of "pool.members": no "nmae" (expected "name"?)',
      'pb.yaml:18:96: steps.done.chart.value: "address" of the items of "pool.members" holds string, not a number (expected a numeric field)',
    ]);
  });

  it('fields may be dotted paths into each item, checked all the way down', () => {
    const lbs = good
      .replace('{{ pool.members }}', '{{ inventory.loadbalancers }}')
      .replace('value: weight', 'value: pools.length');
    expect(problemsOf(charted(lbs.replace('label: name', 'label: loadbalancer.name')))).toEqual([]);
    expect(problemsOf(charted(lbs.replace('label: name', 'label: loadbalancer.nmae')))).toEqual([
      'pb.yaml:18:94: steps.done.chart.label: "loadbalancer.nmae" is not a field of the items of "inventory.loadbalancers": no "loadbalancer.nmae" (expected "name"?)',
    ]);
  });

  it('a reference that is not a number', () => {
    expect(problemsOf(charted(good.replace('value: weight', 'value: weight, reference: name')))).toEqual([
      'pb.yaml:18:115: steps.done.chart.reference: "name" of the items of "pool.members" holds string, not a number (expected a numeric field)',
    ]);
  });

  it('bars that read no list, text around the template, or a step that has not run', () => {
    expect(problemsOf(charted(good.replace('{{ pool.members }}', '{{ pool.id }}')))).toEqual([
      'pb.yaml:18:54: steps.done.chart.bars: "pool.id" is not a list (it holds string): a chart draws one bar per item of a list (expected a list of objects, e.g. {{ steps.measure.data.members }})',
    ]);
    expect(problemsOf(charted(good.replace('{{ pool.members }}', 'members {{ pool.members }}')))).toEqual([
      'pb.yaml:18:54: steps.done.chart.bars: one {{ path }} naming a list, e.g. "{{ steps.measure.data.members }}"',
    ]);
    expect(problemsOf(charted(good.replace('{{ pool.members }}', '{{ steps.done.data }}')))).toEqual([
      'pb.yaml:18:54: steps.done.chart.bars: "steps.done.data": step "done" never runs before step "done"',
    ]);
  });

  it('an unknown chart key or unit', () => {
    expect(
      problemsOf(charted(good.replace('value: weight', 'value: weight, unit: percent, colour: red'))),
    ).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pb\.yaml:18:\d+: steps\.done\.chart\.unit: /)]),
    );
  });
});
