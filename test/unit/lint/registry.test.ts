// The rule table itself: ids, documentation, FAQ sections, purity; and what
// the shipped example inventories produce.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintInventory, lintText } from '../../../src/lint/lint.js';
import { RULE_IDS, RULES } from '../../../src/lint/rules/index.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { CLEAN, lintAt, where, yaml } from './helpers.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const REPO = here('../../../');
const FAQ = here('../../../../shared/seed/elb-faq.md');
const EXAMPLE = here('../../../../shared/examples/inventory.yaml');
const FIXTURE = here('../../fixtures/inventory.yaml');

describe('the rule registry', () => {
  it('keys are the rules’ own kebab-case ids', () => {
    for (const [key, rule] of Object.entries(RULES)) {
      expect(rule.id).toBe(key);
      expect(key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.faq.length, key).toBeGreaterThan(0);
    }
  });

  it('every rule has a failing case in test/unit/lint', () => {
    const dir = here('.');
    const tests = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(`${dir}/${f}`, 'utf8'))
      .join('\n');
    const untested = RULE_IDS.filter((id) => !tests.includes(`'lint/${id} `));
    expect(untested).toEqual([]);
  });

  it('docs/lint.md lists every code, and no other', () => {
    const doc = readFileSync(`${REPO}/docs/lint.md`, 'utf8');
    const documented = new Set([...doc.matchAll(/`lint\/([a-z0-9-]+)`/g)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...RULE_IDS].sort());
  });

  it.skipIf(!existsSync(FAQ))('every FAQ section a rule cites exists in the FAQ', () => {
    const faq = readFileSync(FAQ, 'utf8');
    const sections = new Set([...faq.matchAll(/^#+ (\d+\.\d+) /gm)].map((m) => m[1]));
    for (const rule of Object.values(RULES)) {
      for (const s of rule.faq) expect(sections.has(s), `${rule.id} cites ${s}`).toBe(true);
    }
  });

  it('rules are pure: they leave the inventory unchanged and give the same findings twice', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const inv = parseInventory(text);
    const before = JSON.stringify(inv);
    const first = lintInventory(inv);
    expect(lintInventory(inv)).toEqual(first);
    expect(JSON.stringify(inv)).toBe(before);
  });
});

describe('the shipped inventories', () => {
  // examples/inventory.yaml runs the reference LB on loopback and keeps an
  // empty pool on purpose (the router-code demo): that pool is its one finding.
  it.skipIf(!existsSync(EXAMPLE))('../shared/examples/inventory.yaml: only the empty pool, a warning', () => {
    const found = lintText('inventory.yaml', readFileSync(EXAMPLE, 'utf8'));
    expect(where(found)).toEqual(['lint/pool-without-members 55:14 pools[1].members']);
    expect(found[0]?.severity).toBe('warn');
  });

  it('test/fixtures/inventory.yaml: the same', () => {
    expect(where(lintText('inventory.yaml', readFileSync(FIXTURE, 'utf8')))).toEqual([
      'lint/pool-without-members 55:14 pools[1].members',
    ]);
  });
});

describe('locations in the list form', () => {
  it('a finding in the second load balancer points into loadbalancers[1]', () => {
    const text = yaml`
      loadbalancers:
        - loadbalancer: {name: a, type: dedicated, vip_address: 10.0.0.10}
          listeners:
            - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
          pools:
            - id: web
              protocol: HTTP
              healthmonitor: {type: HTTP}
              members: [{name: be1, address: 10.0.1.1, protocol_port: 8080}]
        - loadbalancer: {name: b, type: dedicated, vip_address: 10.0.0.11}
          listeners:
            - {name: web, protocol: HTTP, protocol_port: 80}
    `;
    expect(lintAt(text)).toEqual([
      'lint/listener-without-pool 12:9 loadbalancers[1].listeners[0].default_pool_id',
    ]);
  });

  it('findings are ordered by position in the file, not by rule', () => {
    const text = `${CLEAN.replace('default_pool_id: web}', 'default_pool_id: web, transparent_client_ip_enable: true}')}  - {id: spare, protocol: HTTP}\n`;
    expect(lintAt(text)).toEqual([
      'lint/client-ip-ignored 3:104 listeners[0].transparent_client_ip_enable',
      'lint/pool-unused 10:10 pools[1].id',
    ]);
  });
});
