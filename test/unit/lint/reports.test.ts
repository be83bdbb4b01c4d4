// The three lint report formats, rendered from one run.
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJson, toJsonReport } from '../../../src/lint/report/json.js';
import { renderJunit } from '../../../src/lint/report/junit.js';
import { parseLintFormat } from '../../../src/lint/report/registry.js';
import { LintReport } from '../../../src/lint/report/schema.js';
import { renderText, WIDTH, wrap } from '../../../src/lint/report/text.js';
import { RULES } from '../../../src/lint/rules/index.js';
import type { LintRun } from '../../../src/lint/types.js';
import { LbdError } from '../../../src/errors.js';
import { CLEAN, lint, yaml } from './helpers.js';

const MESSY = yaml`
  loadbalancer: {name: a-load-balancer-with-a-rather-long-name, type: shared, vip_address: 10.0.0.10}
  listeners:
    - {name: the-listener-with-the-longest-name-anyone-has-seen, protocol: HTTPS, protocol_port: 443, default_pool_id: secure-backend-server-group, default_tls_container_ref: c, transparent_client_ip_enable: true}
  pools:
    - id: secure-backend-server-group
      protocol: HTTPS
      lb_algorithm: SOURCE_IP
      session_persistence: {type: HTTP_COOKIE}
      members:
        - {name: be1, address: 10.0.1.1, protocol_port: 8443, weight: 0}
  certificates: [{id: c, certificate: c.pem}]
`;

const run = (failOn: LintRun['failOn'] = 'error'): LintRun => ({
  files: [
    {
      file: 'messy.yaml',
      findings: lint(MESSY).map((f) => ({ ...f, location: { ...f.location!, file: 'messy.yaml' } })),
    },
    { file: 'clean.yaml', findings: lint(CLEAN) },
    {
      file: 'broken.yaml',
      findings: [],
      error: {
        code: 'LBD_ERR_INPUT',
        message: 'broken.yaml is not a valid inventory',
        problems: [
          {
            file: 'broken.yaml',
            line: 3,
            column: 5,
            field: 'listeners[0].protocol',
            message: 'invalid value',
          },
        ],
      },
    },
  ],
  failOn,
  rules: Object.values(RULES),
});

describe('text', () => {
  it('fits 80 columns, one block per finding headed file:line:col  code  severity', () => {
    const text = renderText(run());
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(WIDTH);
    expect(text).toMatch(/^messy\.yaml:3:\d+ {2}lint\/protocol-pair {2}error$/m);
    expect(text).toContain('clean.yaml: no findings');
    expect(text).toContain('broken.yaml: not linted');
    expect(text).toMatch(/\d+ errors?, \d+ warnings?, \d+ info in 2 files \(1 invalid file not linted\);/);
  });

  it('keeps a short title on the first line', () => {
    const text = renderText({
      ...run(),
      files: [{ file: 'inv.yaml', findings: lint(`${CLEAN}  - {id: x, protocol: HTTP}\n`) }],
    });
    expect(text.split('\n')[0]).toBe(
      'inv.yaml:10:10  lint/pool-unused  warn  pool "x" is not used by any listener',
    );
  });

  it('wrap never loses a word', () => {
    const words = 'a bb ccc dddd eeeee ffffffffffffffffffffffffffff g'.split(' ');
    expect(wrap(words.join(' '), 10).join(' ').split(' ')).toEqual(words);
  });
});

describe('json', () => {
  it('matches the versioned schema, with per-file status and counts', () => {
    const report = LintReport.parse(JSON.parse(renderJson(run())));
    expect(report.schemaVersion).toBe(1);
    expect(report.verdict).toBe('invalid');
    expect(report.files.map((f) => [f.file, f.status])).toEqual([
      ['messy.yaml', 'linted'],
      ['clean.yaml', 'linted'],
      ['broken.yaml', 'invalid'],
    ]);
    expect(report.findings.map((f) => f.code)).toContain('lint/protocol-pair');
    expect(report.findings.every((f) => f.location.file === 'messy.yaml' && f.location.line)).toBe(true);
    expect(report.rules.map((r) => r.code)).toHaveLength(Object.keys(RULES).length);
  });

  it('verdict: failed at or above --fail-on, pass below it', () => {
    const infoOnly: LintRun = {
      files: [
        {
          file: 'i.yaml',
          findings: lint(
            CLEAN.replace(
              'default_pool_id: web}',
              'default_pool_id: web, transparent_client_ip_enable: true}',
            ),
          ),
        },
      ],
      failOn: 'error',
      rules: Object.values(RULES),
    };
    expect(toJsonReport(infoOnly).verdict).toBe('pass');
    expect(toJsonReport({ ...infoOnly, failOn: 'info' }).verdict).toBe('failed');
  });
});

describe('junit', () => {
  it('a suite per file, a case per rule; failures at or above --fail-on; an invalid file is one error', () => {
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderJunit(run()));
    const suites = xml.testsuites.testsuite as Array<Record<string, unknown> & { testcase: unknown }>;
    expect(suites.map((s) => s.name)).toEqual(['messy.yaml', 'clean.yaml', 'broken.yaml']);
    const rules = Object.keys(RULES).length;
    expect(suites.map((s) => Number(s.tests))).toEqual([rules, rules, 1]);
    expect(Number(suites[0]!.failures)).toBeGreaterThan(0);
    expect(Number(suites[1]!.failures)).toBe(0);
    expect(Number(suites[2]!.errors)).toBe(1);
    expect(Number(xml.testsuites.errors)).toBe(1);
  });
});

describe('--format', () => {
  it('takes NAME or NAME:FILE and suggests a close name', () => {
    expect(parseLintFormat('junit:out/lint.xml')).toEqual({ name: 'junit', file: 'out/lint.xml' });
    let err: unknown;
    try {
      parseLintFormat('jsno');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LbdError);
    expect((err as LbdError).code).toBe('LBD_ERR_UNKNOWN_FORMAT');
    expect((err as LbdError).hint).toContain('did you mean "json"?');
  });
});
