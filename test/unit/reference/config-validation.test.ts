// validateReferenceConfig: FAQ 5.7 protocol pairs, 6.1 stickiness, certificates
// (7.2, 7.4), TLS policy names (1.12), regexes, cross-LB ports — every problem
// located and reported together as one InputError.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadInventory, parseInventory } from '../../../src/model/load-inventory.js';
import { allowedBackendProtocols, validateReferenceConfig } from '../../../src/reference/config.js';
import { type Certificates, makeCertificates } from '../../helpers/certs.js';

function problemsOf(f: () => void): { field?: string; message: string }[] {
  try {
    f();
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  return [];
}

let dir: string;
let certs: Certificates;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-config-'));
  certs = await makeCertificates(dir, [
    { name: 'ok', sans: ['ok.test'] },
    { name: 'other', sans: ['other.test'] },
  ]);
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('FAQ 5.7 protocol pairs', () => {
  it('knows the dedicated and shared tables', () => {
    expect(allowedBackendProtocols('dedicated', 'HTTPS')).toEqual(['HTTP', 'HTTPS']);
    expect(allowedBackendProtocols('shared', 'HTTPS')).toEqual(['HTTP']);
    expect(allowedBackendProtocols('dedicated', 'UDP')).toEqual(['UDP', 'QUIC']);
    expect(allowedBackendProtocols('shared', 'UDP')).toEqual(['UDP']);
  });

  it('refuses an HTTPS pool behind a shared HTTPS listener and a TCP pool behind HTTP, with locations', async () => {
    const file = join(dir, 'pairs.yaml');
    await writeFile(
      file,
      `loadbalancer: { name: lb, type: shared }
certificates: [{ id: c1, certificate: ok.crt, private_key: ok.key }]
listeners:
  - { name: tls, protocol: HTTPS, protocol_port: 443, default_pool_id: secure, default_tls_container_ref: c1 }
  - { name: web, protocol: HTTP, protocol_port: 80, default_pool_id: raw }
pools:
  - { id: secure, protocol: HTTPS }
  - { id: raw, protocol: TCP }
`,
    );
    const inv = await loadInventory(file);
    const problems = problemsOf(() => validateReferenceConfig(inv));
    expect(problems.map((p) => p.field)).toEqual([
      'listeners[0].default_pool_id',
      'listeners[1].default_pool_id',
    ]);
    expect(problems[0]?.message).toMatch(/shared.*HTTPS.*HTTPS pool "secure".*5-4/);
    expect(problems[0]).toMatchObject({ file });
    // The same pair is fine on a dedicated load balancer (Table 5-3).
    const dedicated = await loadInventory(file).then((i) => {
      for (const e of i.loadbalancers) e.loadbalancer.type = 'dedicated';
      return i;
    });
    expect(problemsOf(() => validateReferenceConfig(dedicated)).map((p) => p.field)).toEqual([
      'listeners[1].default_pool_id',
    ]);
  });
});

describe('other checks', () => {
  it('reports stickiness the algorithm refuses, bad regexes, unsupported actions, unknown TLS policies, all at once', () => {
    const inv = parseInventory(`
loadbalancer: { name: lb, type: dedicated }
certificates: [{ id: c1, certificate: "${certs.get('ok').cert.replace(/\n/g, '\\n')}", private_key: "${certs.get('ok').key.replace(/\n/g, '\\n')}" }]
listeners:
  - { name: web, protocol: HTTP, protocol_port: 80, default_pool_id: hash }
  - { name: tls, protocol: HTTPS, protocol_port: 443, default_pool_id: hash, default_tls_container_ref: c1, tls_ciphers_policy: tls-9-9 }
pools:
  - { id: hash, protocol: HTTP, lb_algorithm: SOURCE_IP, session_persistence: { type: HTTP_COOKIE } }
l7policies:
  - { listener: web, redirect_pool_id: hash, rules: [{ type: PATH, compare_type: REGEX, value: "([a-" }] }
  - { listener: web, action: REDIRECT_TO_LISTENER, rules: [{ type: PATH, compare_type: EQUAL_TO, value: "/x" }] }
`);
    const problems = problemsOf(() => validateReferenceConfig(inv));
    const fields = problems.map((p) => p.field);
    expect(fields).toContain('pools[0].session_persistence.type');
    expect(fields).toContain('l7policies[0].rules[0].value');
    expect(fields).toContain('l7policies[1].action');
    expect(fields).toContain('listeners[1].tls_ciphers_policy');
    expect(problems.find((p) => p.field === 'pools[0].session_persistence.type')?.message).toMatch(
      /source IP hash/,
    );
  });

  it('reports missing certificate files and keys that do not match their certificate', async () => {
    const file = join(dir, 'certs.yaml');
    await writeFile(
      file,
      `loadbalancer: { name: lb, type: dedicated }
certificates:
  - { id: gone, certificate: missing.crt, private_key: missing.key }
  - { id: mixed, certificate: ok.crt, private_key: other.key }
  - { id: fine, certificate: ok.crt, private_key: ok.key }
listeners:
  - { name: a, protocol: HTTPS, protocol_port: 443, default_tls_container_ref: gone }
  - { name: b, protocol: HTTPS, protocol_port: 444, default_tls_container_ref: fine, sni_container_refs: [mixed] }
`,
    );
    const inv = await loadInventory(file);
    const found = problemsOf(() => validateReferenceConfig(inv));
    expect(found.map((p) => p.field)).toEqual([
      'listeners[0].default_tls_container_ref',
      'listeners[1].sni_container_refs[0]',
    ]);
    expect(found[0]?.message).toMatch(/missing\.crt/);
    expect(found[1]?.message).toMatch(/mismatch|key/i);
  });

  it('reports a port two load balancers would both bind, and accepts a clean inventory', () => {
    const clash = parseInventory(`
loadbalancers:
  - loadbalancer: { name: one, type: dedicated }
    listeners: [{ name: a, protocol: TCP, protocol_port: 8080 }]
  - loadbalancer: { name: two, type: dedicated }
    listeners: [{ name: b, protocol: HTTP, protocol_port: 8080 }, { name: c, protocol: UDP, protocol_port: 8080 }]
`);
    const problems = problemsOf(() => validateReferenceConfig(clash));
    expect(problems.map((p) => p.field)).toEqual(['loadbalancers[1].listeners[0].protocol_port']);
    expect(problems[0]?.message).toContain('"a"');
    const clean = parseInventory(`
loadbalancer: { name: lb, type: dedicated }
listeners: [{ name: web, protocol: HTTP, protocol_port: 80, default_pool_id: p }]
pools: [{ id: p, protocol: HTTP, session_persistence: { type: APP_COOKIE, cookie_name: SID } }]
`);
    expect(() => validateReferenceConfig(clean)).not.toThrow();
  });
});
