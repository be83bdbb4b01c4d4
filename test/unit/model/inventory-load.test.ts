// The inventory loader on input that must get a clear, located error (issue
// 13): duplicate members, alias bombs, binary files, oversized files, and the
// large-file path that must read the same values as the small one.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblems, InputError, type Problem } from '../../../src/errors.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import {
  FAST_PARSE_BYTES,
  MAX_INPUT_BYTES,
  parseLocated,
  readCapped,
  readText,
} from '../../../src/model/locate.js';

/** The InputError a call throws (fails the test when it does not throw one). */
function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

const where = (p: Problem) => `${p.file}:${p.line}:${p.column} ${p.field ?? ''}`.trim();

const inventory = (members: string, more = '') => `loadbalancer: {name: lb, type: dedicated}
listeners:
  - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
pools:
  - id: web
    protocol: HTTP
    members:
${members}
${more}`;

describe('duplicate members are validation errors naming both places', () => {
  it('the same address:protocol_port twice in a pool', () => {
    const text = inventory(
      [
        '      - {name: be1, address: 10.0.1.1, protocol_port: 8080}',
        '      - {name: be2, address: 10.0.1.1, protocol_port: 8080}',
      ].join('\n'),
    );
    const err = inputError(() => parseInventory(text, 'inv.yaml'));
    expect(err.problems).toHaveLength(1);
    const p = err.problems[0]!;
    expect(where(p)).toBe('inv.yaml:9:30 pools[0].members[1].address');
    expect(p.message).toBe(
      '10.0.1.1:8080 is already a member of pool "web", at inv.yaml:8:30 (pools[0].members[0].address)',
    );
  });

  it('IPv6 spellings of one address are one endpoint', () => {
    const text = inventory(
      [
        '      - {address: "2001:db8::1", protocol_port: 8080}',
        '      - {address: "2001:0db8:0:0::1", protocol_port: 8080}',
      ].join('\n'),
    );
    const err = inputError(() => parseInventory(text, 'inv.yaml'));
    expect(err.problems.map((p) => p.message)).toEqual([
      '[2001:db8::1]:8080 is already a member of pool "web", at inv.yaml:8:19 (pools[0].members[0].address)',
    ]);
  });

  it('one name for two endpoints, in one pool or across pools and load balancers', () => {
    const samePool = inventory(
      [
        '      - {name: be1, address: 10.0.1.1, protocol_port: 8080}',
        '      - {name: be1, address: 10.0.1.2, protocol_port: 8080}',
      ].join('\n'),
    );
    const a = inputError(() => parseInventory(samePool, 'inv.yaml'));
    expect(a.problems.map(where)).toEqual(['inv.yaml:9:16 pools[0].members[1].name']);
    expect(a.problems[0]!.message).toBe(
      'member name "be1" (10.0.1.2:8080) is already the name of 10.0.1.1:8080, at inv.yaml:8:16 (pools[0].members[0].name)',
    );

    const twoLbs = `loadbalancers:
  - loadbalancer: {name: a, type: dedicated}
    pools:
      - {id: p, protocol: TCP, members: [{name: be1, address: 10.0.1.1, protocol_port: 80}]}
  - loadbalancer: {name: b, type: dedicated}
    pools:
      - {id: p, protocol: TCP, members: [{name: be1, address: 10.0.9.9, protocol_port: 80}]}
`;
    const b = inputError(() => parseInventory(twoLbs, 'multi.yaml'));
    expect(b.problems.map(where)).toEqual(['multi.yaml:7:49 loadbalancers[1].pools[0].members[0].name']);
    expect(b.problems[0]!.message).toContain(
      'at multi.yaml:4:49 (loadbalancers[0].pools[0].members[0].name)',
    );
  });

  it('the same member shared by two pools (FAQ 1.3) is fine', () => {
    const text = `loadbalancer: {name: lb, type: dedicated}
pools:
  - {id: a, protocol: TCP, members: [{name: be1, address: 10.0.1.1, protocol_port: 80}]}
  - {id: b, protocol: TCP, members: [{name: be1, address: 10.0.1.1, protocol_port: 80}]}
`;
    expect(parseInventory(text).loadbalancers[0]!.pools).toHaveLength(2);
  });
});

describe('YAML alias bombs', () => {
  const bomb = (levels: number) => {
    let s = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < levels; i++)
      s += `a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
    return s;
  };

  it('"billion laughs" is refused, naming the file and where the aliases start', () => {
    const err = inputError(() => parseLocated('bomb.yaml', bomb(10)));
    expect(err.message).toBe('bomb.yaml expands YAML aliases too far (an alias bomb): refused');
    expect(where(err.problems[0]!)).toBe('bomb.yaml:2:10');
    expect(err.problems[0]!.message).toMatch(/more than 100/);
  });

  it('a few aliases are still read', () => {
    const text = 'hm: &hm {type: HTTP}\na: *hm\nb: *hm\n';
    expect(parseLocated('ok.yaml', text).value).toEqual({
      hm: { type: 'HTTP' },
      a: { type: 'HTTP' },
      b: { type: 'HTTP' },
    });
  });

  it('an alias bomb in a large file is refused the same way', () => {
    const padding = `# ${'x'.repeat(100)}\n`.repeat(Math.ceil(FAST_PARSE_BYTES / 100));
    const err = inputError(() => parseLocated('big-bomb.yaml', padding + bomb(10)));
    expect(err.message).toMatch(/alias bomb/);
    expect(err.problems[0]!.file).toBe('big-bomb.yaml');
  });
});

describe('what is not YAML', () => {
  it('a binary file is one located problem, not thousands of syntax errors', () => {
    const err = inputError(() => parseLocated('blob.bin', 'abc\n\u0001\u0002de\u0000f'));
    expect(err.message).toBe('blob.bin is not a text file');
    expect(err.problems.map(where)).toEqual(['blob.bin:2:5']);
  });

  it('deep nesting is said in words', () => {
    const err = inputError(() => parseLocated('deep.yaml', `${'['.repeat(5000)}${']'.repeat(5000)}`));
    expect(err.problems[0]!.message).toMatch(/nested too deeply/);
  });

  it('many problems print the first 20 and a count of the rest', () => {
    const problems: Problem[] = Array.from({ length: 1234 }, (_, i) => ({
      file: 'f',
      line: i + 1,
      message: 'bad',
    }));
    const lines = formatProblems(problems);
    expect(lines).toHaveLength(21);
    expect(lines[19]).toBe('f:20: bad');
    expect(lines[20]).toBe('… and 1214 more problems (fix the ones above first)');
  });
});

describe('file size', () => {
  it('a file over the limit is refused before it is parsed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbd-size-'));
    const file = join(dir, 'huge.yaml');
    await writeFile(file, Buffer.alloc(MAX_INPUT_BYTES + 1, 0x20));
    const err = await readText(file, 'inventory').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(`inventory ${file} is too large: more than 64 MB`);
  });

  it('an endless stream (a FIFO, /dev/zero) is cut off at the limit', async () => {
    async function* zeros() {
      for (;;) yield Buffer.alloc(1024 * 1024);
    }
    await expect(readCapped(zeros(), '/dev/zero', 'inventory')).rejects.toThrow(/too large/);
  });

  it('a directory says so', async () => {
    await expect(readText(tmpdir(), 'inventory')).rejects.toThrow(/it is a directory/);
  });
});

describe('large files', () => {
  /** An inventory of `n` members in pools of 100, written as a person would. */
  function fleet(n: number): string {
    const lines = ['loadbalancer: {name: big, type: dedicated}', 'pools:'];
    for (let p = 0, m = 0; m < n; p++) {
      lines.push(`  - id: pool-${p}`, '    protocol: HTTP', '    members:');
      for (let i = 0; i < 100 && m < n; i++, m++)
        lines.push(
          `      - name: "be${m}"`,
          `        address: 10.${(m >> 16) & 255}.${(m >> 8) & 255}.${m & 255}`,
          `        protocol_port: ${8000 + (m % 100)}`,
          `        weight: ${m % 10} # comment`,
        );
    }
    return `${lines.join('\n')}\n`;
  }

  it('read the same values as yaml reads them', () => {
    const text = fleet(12_000);
    expect(text.length).toBeGreaterThan(FAST_PARSE_BYTES);
    expect(parseLocated('fleet.yaml', text).value).toEqual(parse(text));
  });

  it('still locate a problem at its line and column', () => {
    const text = fleet(12_000).replace('protocol_port: 8042\n', 'protocol_port: 99999\n');
    const err = inputError(() => parseInventory(text, 'fleet.yaml'));
    expect(err.problems.map(where)).toEqual(['fleet.yaml:176:24 pools[0].members[42].protocol_port']);
  });

  it('and a syntax error', () => {
    const text = `${fleet(12_000)}  - id: [unclosed\n`;
    const err = inputError(() => parseLocated('fleet.yaml', text));
    expect(err.message).toBe('fleet.yaml is not valid YAML/JSON');
    expect(err.problems[0]!.line).toBeGreaterThan(48_000);
  });
});
