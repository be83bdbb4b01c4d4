// The standing bad-input suite (issue 13): whatever a hostile or careless user
// gives — inventory, playbook and answers files, probe parameters, flags —
// lbdoctor answers exit 2 with a located message, never an internal error,
// a stack trace or a wrong answer, and never prints a secret it was given.
//
// Property-based (fast-check) over the library functions the CLI calls, at
// most 100 runs per property; the built CLI is spawned only for a handful of
// cases that check the whole path to stderr and the exit code.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_BOUNDS, TIMEOUT_BOUNDS } from '../../src/cli/duration-bounds.js';
import { parseDuration, parseTarget } from '../../src/cli/options.js';
import { buildProbeParams, paramKeys } from '../../src/cli/probe-params.js';
import { AnswersFile } from '../../src/cli/run-command.js';
import { parseSetFlags } from '../../src/engine/facts.js';
import { LbdError, type Problem } from '../../src/errors.js';
import { endpointKey } from '../../src/model/net.js';
import { parseInventory } from '../../src/model/load-inventory.js';
import { validateText } from '../../src/model/locate.js';
import { parseInputFlags } from '../../src/playbook/inputs.js';
import { parsePlaybook } from '../../src/playbook/load.js';
import { loadProbe, probeKinds } from '../../src/probes/registry.js';
import { REDACTED, redactText, SecretSet } from '../../src/reporters/redact.js';
import { parseFormatSpec } from '../../src/reporters/registry.js';
import { escapeJsonControls, visible } from '../../src/reporters/visible.js';
import { lbdoctor } from '../helpers/cli.js';

// At most 100 runs per property in the standing suite; LBD_FUZZ_RUNS=5000 digs deeper by hand.
const RUNS = { numRuns: Number(process.env.LBD_FUZZ_RUNS ?? 100) };
const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** Where a problem may sit: the file itself, or (a playbook's) included fragments. */
type Where = string | ((file: string) => boolean);

/**
 * Runs `f`: a result, or a bad-input error (exit 2) whose every problem sits
 * in `where` at a line and column when `where` is given. Anything else — a
 * TypeError, a RangeError, an internal error — fails the property.
 */
function okOrBadInput<T>(f: () => T, where?: Where): T | LbdError {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof LbdError)) throw err;
    expect(err.exitCode, err.message).toBe(2);
    expect(err.code).not.toBe('LBD_ERR_INTERNAL');
    if (where !== undefined) for (const p of err.problems) expectLocated(p, where);
    return err;
  }
}

function expectLocated(p: Problem, where: Where): void {
  expect(typeof where === 'string' ? p.file === where : where(p.file ?? ''), `${p.file}: ${p.message}`).toBe(
    true,
  );
  expect(p.line, `${p.message} has no line`).toBeGreaterThanOrEqual(1);
  expect(p.column, `${p.message} has no column`).toBeGreaterThanOrEqual(1);
}

/** Every text an error shows: message, problems, hint. */
const shown = (e: LbdError) =>
  [
    e.message,
    e.hint ?? '',
    ...e.problems.map((p) => `${p.message} ${p.expected ?? ''} ${p.field ?? ''}`),
  ].join('\n');

// YAML's punctuation, some inventory words, and bytes that are not text.
const yamlSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ':',
        ': ',
        '- ',
        '\n',
        '  ',
        '[',
        ']',
        '{',
        '}',
        ',',
        '&a ',
        '*a',
        '!!str ',
        '!!binary ',
        '!custom ',
        '"',
        "'",
        '# ',
        '|\n',
        '>-\n',
        '? ',
        '---\n',
        '...\n',
        '%YAML 1.2\n',
        '<<: ',
        '\t',
        '\u0000',
        '\u001b[2J',
        '\ufeff',
        'loadbalancer',
        'loadbalancers',
        'listeners',
        'pools',
        'members',
        'address',
        'protocol_port',
        'hosts',
        '10.0.0.1',
        '::1',
        '80',
        '99999',
        '-1',
        '1e400',
        '0x1F',
        'null',
        '~',
        'true',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** Every path to a value inside a parsed document, e.g. ['pools', 0, 'members', 1, 'weight']. */
function pathsOf(value: unknown, base: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [base, ...value.flatMap((v, i) => pathsOf(v, [...base, i]))];
  if (value !== null && typeof value === 'object')
    return [base, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...base, k]))];
  return [base];
}

type Edit = { op: 'set' | 'delete' | 'add'; at: number; value: unknown; key: string };

/** A document with one edit at the `at`-th path: replace a value, delete it, or add a key beside it. */
function mutate(doc: unknown, edit: Edit): unknown {
  const copy = structuredClone(doc);
  const paths = pathsOf(copy).filter((p) => p.length > 0);
  const path = paths[edit.at % paths.length]!;
  type Node = Record<string | number, unknown>;
  let parent = copy as Node;
  for (const k of path.slice(0, -1)) parent = parent[k] as Node;
  const last = path[path.length - 1]!;
  const list = Array.isArray(parent) ? (parent as unknown[]) : undefined;
  if (edit.op === 'set') parent[last] = edit.value;
  else if (edit.op === 'delete') {
    if (list) list.splice(Number(last), 1);
    else delete parent[last];
  } else if (list) list.push(edit.value);
  else parent[edit.key] = edit.value;
  return copy;
}

const edits = fc.array(
  fc.record({
    op: fc.constantFrom('set', 'delete', 'add') as fc.Arbitrary<Edit['op']>,
    at: fc.nat(),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        -1,
        0,
        65536,
        Number.POSITIVE_INFINITY,
        '',
        '10.0.0.1',
        '::ffff:10.0.0.1',
        'HTTP',
        'UDP_CONNECT',
        null,
      ),
    ),
    key: fc.oneof(fc.constantFrom('name', 'address', 'protocol_port', '$schema', '__proto__'), fc.string()),
  }),
  { minLength: 1, maxLength: 4 },
);

describe('inventory files', () => {
  const base = parse(readFileSync(root('test/fixtures/inventory.yaml'), 'utf8'));

  it('any text: a valid inventory, or exit 2 with every problem at file:line:column', () => {
    fc.assert(
      fc.property(yamlSoup, (text) => {
        okOrBadInput(() => parseInventory(text, 'inv.yaml'), 'inv.yaml');
      }),
      RUNS,
    );
  });

  it('a valid inventory with a few edits: still valid, or exit 2 located', () => {
    fc.assert(
      fc.property(edits, (list) => {
        const doc = list.reduce<unknown>((d, e) => mutate(d, e), base);
        okOrBadInput(() => parseInventory(stringify(doc), 'inv.yaml'), 'inv.yaml');
      }),
      RUNS,
    );
  });

  it('duplicate members are refused exactly when a pool repeats an address:port or a name means two endpoints', () => {
    const member = fc.record({
      name: fc.option(fc.constantFrom('be1', 'be2', 'be3'), { nil: undefined }),
      address: fc.constantFrom('10.0.0.1', '10.0.0.2', '2001:db8::1', '2001:0db8::0:1'),
      protocol_port: fc.constantFrom(80, 8080),
    });
    const pools = fc.array(fc.array(member, { maxLength: 4 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(pools, (members) => {
        const doc = {
          loadbalancer: { name: 'lb', type: 'dedicated' },
          pools: members.map((ms, i) => ({
            id: `p${i}`,
            protocol: 'TCP',
            members: ms.map((m) => (m.name ? m : { address: m.address, protocol_port: m.protocol_port })),
          })),
        };
        // The oracle: what the rule says, computed the plain way.
        const nameOf = new Map<string, string>();
        let expected = false;
        for (const ms of members) {
          const seen = new Set<string>();
          for (const m of ms) {
            const endpoint = endpointKey(m.address, m.protocol_port);
            if (seen.has(endpoint)) {
              expected = true;
              continue;
            }
            seen.add(endpoint);
            const name = m.name ?? `${m.address}:${m.protocol_port}`;
            if ((nameOf.get(name) ?? endpoint) !== endpoint) expected = true;
            nameOf.set(name, nameOf.get(name) ?? endpoint);
          }
        }
        const got = okOrBadInput(() => parseInventory(stringify(doc), 'dup.yaml'), 'dup.yaml');
        expect(got instanceof LbdError).toBe(expected);
        if (got instanceof LbdError) {
          for (const p of got.problems) {
            expect(p.message).toMatch(/already/);
            // Both places: this problem's, and the other one's in the message.
            expect(p.message).toMatch(/at dup\.yaml:\d+:\d+ \(pools\[\d+\]\.members\[\d+\]\.\w+\)$/);
          }
        }
      }),
      RUNS,
    );
  });
});

describe('playbook and answers files', () => {
  const playbook = readFileSync(root('playbooks/router-code.yaml'), 'utf8');
  const base = parse(playbook);
  // A playbook's problems sit in it or in a fragment it includes.
  const inPlaybook = (f: string) => f === 'pb.yaml' || f.startsWith(root('playbooks/fragments/'));

  it('a shipped playbook with a few edits: still valid, or exit 2 located', () => {
    fc.assert(
      fc.property(edits, (list) => {
        const doc = list.reduce<unknown>((d, e) => mutate(d, e), base);
        okOrBadInput(() => parsePlaybook('pb.yaml', stringify(doc)), inPlaybook);
      }),
      { numRuns: Math.ceil(RUNS.numRuns * 0.6) },
    );
  });

  it('any text as a playbook: exit 2 located', () => {
    fc.assert(
      fc.property(yamlSoup, (text) => {
        okOrBadInput(() => parsePlaybook('pb.yaml', text), 'pb.yaml');
      }),
      RUNS,
    );
  });

  it('any text as an answers file: its answers, or exit 2 located', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          yamlSoup,
          fc.jsonValue().map((v) => stringify(v)),
        ),
        (text) => {
          okOrBadInput(() => validateText('answers.yaml', text, AnswersFile, 'answers file'), 'answers.yaml');
        },
      ),
      RUNS,
    );
  });
});

describe('probe parameters (--with)', () => {
  // A secret marker fast-check cannot produce by chance: it must never be shown.
  const secret = fc.string({ minLength: 4, maxLength: 12 }).map((s) => `SEKRIT-${s.replace(/\s/g, '_')}`);
  const secretPair = secret.chain((s) =>
    fc
      .constantFrom(
        `headers.Authorization=Bearer ${s}`,
        `headers={"X-Api-Key": ${JSON.stringify(s)}}`,
        `cookies.sid=${s}`,
        `cookies={"sid": ${JSON.stringify(s)}, "": 1}`,
        `url=http://ops:${encodeURIComponent(s)}@10.0.0.5/`,
        `headers.Bad Name=${s}`,
        `headers.Authorization`,
        `Authorization: Bearer ${s}`,
        `1bad=${s}`,
      )
      .map((pair) => ({ pair, secret: s })),
  );
  const garbagePair = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          'host',
          'port',
          'path',
          'timeoutMs',
          'expect.status',
          'headers',
          'count',
          'x',
          'a.b.c',
          '',
        ),
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
          fc.string({ maxLength: 10 }),
        ),
      )
      .map(([k, v]) => `${k}=${v}`),
    fc.string({ maxLength: 12 }),
  );

  it('every probe: parameters, or exit 2 naming the field; no secret echoed', async () => {
    const kinds = probeKinds();
    const probes = new Map(await Promise.all(kinds.map(async (k) => [k, await loadProbe(k)] as const)));
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.array(garbagePair, { maxLength: 4 }),
        secretPair,
        fc.option(fc.constantFrom('127.0.0.1:80', '[::1]:443', 'x:0', 'host', '::1'), { nil: undefined }),
        (kind, garbage, { pair, secret: s }, target) => {
          const got = okOrBadInput(() =>
            buildProbeParams(kind, probes.get(kind)!.params, {
              ...(target === undefined ? {} : { target }),
              with: [...garbage, pair],
              named: {},
            }),
          );
          if (got instanceof LbdError) expect(shown(got)).not.toContain(s);
        },
      ),
      RUNS,
    );
  });
});

describe('probe durations', () => {
  it('no probe accepts a time in ms that would overflow Node\'s timers (a false "timeout")', async () => {
    const overflowing: string[] = [];
    for (const kind of probeKinds()) {
      const probe = await loadProbe(kind);
      for (const key of paramKeys(probe.params) ?? []) {
        if (!/Ms$/.test(key)) continue;
        const got = okOrBadInput(() =>
          buildProbeParams(kind, probe.params, {
            target: '127.0.0.1:80',
            with: [`${key}=2147483648`],
            named: {},
          }),
        );
        if (!(got instanceof LbdError)) overflowing.push(`${kind}.${key}`);
      }
    }
    expect(overflowing).toEqual([]);
  });
});

describe('flags', () => {
  const durationText = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc
      .tuple(
        fc.oneof(
          fc.nat(),
          fc.double({ min: 0, max: 1e12, noNaN: true }),
          fc.constantFrom(2147484, 9999999999),
        ),
        fc.constantFrom('', 'ms', 's', 'm', 'h', 'd', ' s', 'S'),
      )
      .map(([n, unit]) => `${n}${unit}`),
  );

  it('--timeout and --deadline: a duration within bounds, or exit 2 saying the range', () => {
    fc.assert(
      fc.property(durationText, fc.constantFrom(TIMEOUT_BOUNDS, DEADLINE_BOUNDS), (text, bounds) => {
        const got = okOrBadInput(() => parseDuration(text, '--timeout', bounds));
        if (typeof got === 'number') {
          expect(got).toBeGreaterThanOrEqual(bounds.minMs);
          expect(got).toBeLessThanOrEqual(bounds.maxMs);
          // Node's timers overflow past 2^31-1 ms: no accepted duration gets near.
          expect(got).toBeLessThan(2 ** 31 - 1);
        } else expect(got.message + (got.hint ?? '')).toMatch(/between 1 ms and (10 min|24 h)/);
      }),
      RUNS,
    );
  });

  it('--target, --format, --set, --input: values or exit 2', () => {
    const pb = parsePlaybook(
      'router-code.yaml',
      readFileSync(root('playbooks/router-code.yaml'), 'utf8'),
    ).playbook;
    const text = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        'a=b',
        '=x',
        'path=/x',
        'json:',
        'json:out.json',
        'txt',
        '[::1]:80',
        '[x]:1',
        'h:65536',
      ),
    );
    fc.assert(
      fc.property(text, (t) => {
        okOrBadInput(() => parseTarget(t));
        okOrBadInput(() => parseFormatSpec(t));
        okOrBadInput(() => parseSetFlags([t]));
        okOrBadInput(() => parseInputFlags([t], pb));
      }),
      RUNS,
    );
  });
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these characters
const TERMINAL_ACTS_ON = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these characters
const RAW_IN_JSON = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('output', () => {
  // A secret that cannot overlap the marker it is replaced by (else the
  // replacement itself would spell it again).
  const overlapsMarker = (s: string) =>
    [...Array(s.length).keys()].some(
      (i) => REDACTED.endsWith(s.slice(0, i + 1)) || REDACTED.startsWith(s.slice(i)),
    );
  const secret = fc
    .string({ unit: 'binary', minLength: 4, maxLength: 16 })
    .filter((s) => s.trim().length >= 4 && !REDACTED.includes(s) && !overlapsMarker(s));

  it('a header or cookie value the user gave is gone from any echo of it', () => {
    fc.assert(
      fc.property(secret, secret, fc.string(), fc.string(), (token, cookie, before, after) => {
        const set = new SecretSet().addParams({
          headers: { Authorization: `Bearer ${token}` },
          cookies: { sid: cookie },
        });
        const request = { headers: { authorization: `Bearer ${token}`, cookie: `sid=${cookie}` } };
        const echoes = [
          JSON.stringify(request),
          JSON.stringify({ data: { body: JSON.stringify(request) } }),
          // Python's json.dumps (httpbin) writes every non-ASCII character as \uXXXX.
          JSON.stringify(request).replace(
            /[\u007f-\uffff]/g,
            (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
          ),
          `${before}${token}${after}${cookie}`,
          `GET /?sid=${encodeURIComponent(cookie)} HTTP/1.1\r\nAuthorization: Bearer ${token}\r\n`,
        ];
        for (const echo of echoes) {
          const out = redactText(echo, set);
          expect(out).not.toContain(token);
          expect(out).not.toContain(cookie);
        }
      }),
      RUNS,
    );
  });

  it('visible() leaves no character a terminal acts on; JSON escaping keeps the value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(visible(s)).not.toMatch(TERMINAL_ACTS_ON);
        const json = escapeJsonControls(JSON.stringify({ s }));
        expect(json).not.toMatch(RAW_IN_JSON);
        expect(JSON.parse(json).s).toBe(s);
      }),
      RUNS,
    );
  });
});

describe('the CLI, end to end: exit 2, located, no stack trace, no internal error, no secret', () => {
  let dir = '';
  const file = async (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lbd-bad-input-'));
  });

  function expectBadInput(r: { code: number; stderr: string; stdout: string }, ...patterns: RegExp[]): void {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/internal error|LBD_ERR_INTERNAL/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    for (const p of patterns) expect(r.stderr).toMatch(p);
  }

  let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++)
    bomb += `a${i}: &a${i} [${Array(9)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;

  it('an alias bomb as an inventory, an answers file and a playbook', async () => {
    const inv = await file('bomb-inventory.yaml', bomb);
    expectBadInput(
      await lbdoctor(['run', 'router-code', '--inventory', inv]),
      /bomb-inventory\.yaml expands YAML aliases too far \(an alias bomb\)/,
      /bomb-inventory\.yaml:2:\d+: /,
    );
    const answers = await file('bomb-answers.yaml', bomb);
    expectBadInput(
      await lbdoctor(['run', 'router-code', '--target', '127.0.0.1:9', '--answers', answers]),
      /bomb-answers\.yaml expands YAML aliases too far/,
    );
    const pb = await file('bomb-playbook.yaml', `id: x\nsteps: {}\nstart: a\n${bomb}`);
    expectBadInput(await lbdoctor(['validate', pb]), /bomb-playbook\.yaml expands YAML aliases too far/);
  });

  it('--timeout 2147484s and --deadline 9999999999s: out of range, the range said', async () => {
    expectBadInput(
      await lbdoctor(['probe', 'tcp', '--target', '127.0.0.1:9', '--timeout', '2147484s']),
      /--timeout 2147484s is out of range: it must be between 1 ms and 10 min/,
    );
    expectBadInput(
      await lbdoctor(['run', 'router-code', '--target', '127.0.0.1:9', '--deadline', '9999999999s']),
      /--deadline 9999999999s is out of range: it must be between 1 ms and 24 h/,
    );
    const help = await lbdoctor(['run', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(
      /--timeout <duration> per-probe timeout, between 1 ms and 10 min/,
    );
  });

  it('random bytes as an inventory: one short located message, not megabytes', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const inv = await file('random.bin', bytes);
    const r = await lbdoctor(['run', 'router-code', '--inventory', inv]);
    expectBadInput(r, /random\.bin is not a text file/, /random\.bin:\d+:\d+: a NUL byte/);
    expect(r.stderr.length).toBeLessThan(2000);
  });

  it('many syntax errors: the first 20 and a count', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `k${i}: "unclosed\n  - x: [`).join('\n');
    const r = await lbdoctor(['validate', await file('many.yaml', text)]);
    expectBadInput(r, /many\.yaml:\d+:\d+: /, /… and \d+ more problems/);
    expect(r.stderr.split('\n').filter((l) => /many\.yaml:\d+:\d+/.test(l)).length).toBe(20);
  });

  it('duplicate members: both places named', async () => {
    const inv = await file(
      'dup.yaml',
      `loadbalancer: {name: lb, type: dedicated}
pools:
  - id: web
    protocol: TCP
    members:
      - {name: be1, address: 10.0.0.1, protocol_port: 80}
      - {name: be2, address: 10.0.0.1, protocol_port: 80}
`,
    );
    expectBadInput(
      await lbdoctor(['validate', inv]),
      /dup\.yaml:7:\d+: pools\[0\]\.members\[1\]\.address: 10\.0\.0\.1:80 is already a member of pool "web", at .*dup\.yaml:6:\d+ \(pools\[0\]\.members\[0\]\.address\)/,
    );
  });

  it('a credential in a malformed flag is not echoed; control sequences in arguments are shown as escapes', async () => {
    const r = await lbdoctor([
      'probe',
      'http',
      '--url',
      'http://127.0.0.1:9/',
      '--header',
      'Authorization Bearer sekrit-FLAG-1',
    ]);
    expectBadInput(r, /--header "Authorization…" is not "Name: value"/);
    expect(r.stderr).not.toContain('sekrit-FLAG-1');
    const w = await lbdoctor([
      'probe',
      'http',
      '--url',
      'http://127.0.0.1:9/',
      '--with',
      'bad key=sekrit-FLAG-2',
    ]);
    expectBadInput(w, /not a parameter name/);
    expect(w.stderr).not.toContain('sekrit-FLAG-2');
    const esc = await lbdoctor(['validate', join(dir, 'no-such-\u001b[2J-file.yaml')]);
    expectBadInput(esc, /no-such-\\x1b\[2J-file\.yaml/);
    expect(esc.stderr).not.toContain('\u001b');
  });
});
