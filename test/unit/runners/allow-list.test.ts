// Every command a host probe can make a host run comes from the allow-list in
// src/runners/commands.ts, and every argument reaches the shell quoted.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { type HostProbeKind, hostProbes } from '../../../src/probes/host-registry.js';
import type { HostProbe } from '../../../src/probes/types.js';
import type { SectionRequest } from '../../../src/transport/types.js';
import { buildBatchScript, createBatchReader } from '../../../src/runners/batch.js';
import { ALLOWED_PROGRAMS, isSectionId, resolveSection } from '../../../src/runners/commands.js';
import { LocalRunner } from '../../../src/runners/local.js';
import { shellQuote } from '../../../src/runners/quote.js';

const canary = join(tmpdir(), `lbd-canary-${process.pid}`);
const evil = [
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `x; touch ${canary}`,
  `x' ; touch ${canary}; '`,
  'a\nb',
  '',
  '-rf',
  '../../etc/shadow',
  '/etc/nginx/../shadow',
  '/etc/shadow',
  '/var/log/x.log; id',
  '日本語',
];

// Every host probe kind must be listed (the type makes a missing kind a compile error):
// a few ordinary parameter sets and every hostile value in each string field.
const cases: Record<HostProbeKind, unknown[]> = {
  sysctl: [
    { keys: ['net.core.somaxconn'], expect: { 'net.ipv4.icmp_ratemask': 6160 } },
    ...evil.map((e) => ({ keys: [e] })),
  ],
  'icmp-settings': [{}],
  route: [
    { gateway: '192.168.0.1', interface: 'eth0' },
    ...evil.map((e) => ({ gateway: e })),
    ...evil.map((e) => ({ interface: e })),
  ],
  'interface-address': [{ address: '192.168.0.242' }, ...evil.map((e) => ({ address: e }))],
  listening: [
    { port: 8080 },
    { port: 53, protocol: 'udp', address: '10.0.0.1' },
    ...evil.map((e) => ({ port: e })),
  ],
  firewall: [
    { port: 8080 },
    { source: '10.0.0.0/8', port: 53, protocol: 'udp' },
    { source: '2001:db8::/32', port: 443 },
    ...evil.map((e) => ({ source: e, port: 80 })),
  ],
  'hosts-deny': [{}, { client: '100.125.1.1', daemon: 'sshd' }, ...evil.map((e) => ({ daemon: e }))],
  load: [{}],
  'ephemeral-ports': [{}],
  'listen-overflows': [{}],
  conntrack: [{}],
  'kernel-module': [{}, { name: 'nf_conntrack' }, ...evil.map((e) => ({ name: e }))],
  'real-ip-config': [
    { server: 'nginx' },
    { server: 'nginx', path: '/etc/nginx/nginx.conf' },
    { server: 'apache' },
    { server: 'tomcat', path: '/usr/tomcat/tomcat8/conf/server.xml' },
    ...evil.map((e) => ({ server: 'nginx', path: e })),
    ...evil.map((e) => ({ server: 'apache', header: e })),
  ],
  'keepalive-config': [{ port: 80 }, { port: 8080, lbIdleSeconds: 300 }, ...evil.map((e) => ({ port: e }))],
  'access-log-tail': [
    { path: '/var/log/nginx/access.log', lines: 20 },
    ...evil.map((e) => ({ path: e })),
    ...evil.map((e) => ({ path: '/var/log/a.log', lines: e })),
  ],
  'health-check-log': [
    {},
    { path: '/var/log/httpd/access_log', healthPath: '/health', lines: 2000, interval: 5 },
    ...evil.map((e) => ({ path: e })),
    ...evil.map((e) => ({ lines: e })),
  ],
  'logged-client-address': [
    { marker: '/lbdoctor-client-ip' },
    { path: '/var/log/httpd/access_log', marker: '/x?y=1', proxy: '10.0.0.0/24', lines: 50 },
    ...evil.map((e) => ({ marker: '/m', path: e })),
    ...evil.map((e) => ({ marker: e })),
  ],
  'syn-challenge': [{}, { max: 3 }, ...evil.map((e) => ({ max: e }))],
  'source-port-reuse': [{}, { peers: ['10.0.0.5', '2001:db8::1'] }, ...evil.map((e) => ({ peers: [e] }))],
  'established-connections': [
    { port: 80 },
    { port: '443', range: '100.125.0.0/16' },
    { port: 80, range: '' },
    ...evil.map((e) => ({ port: 80, range: e })),
  ],
};

async function sectionsFor(kind: HostProbeKind): Promise<{ accepted: SectionRequest[]; rejected: number }> {
  const probe = (await hostProbes[kind]()) as HostProbe<unknown>;
  const accepted: SectionRequest[] = [];
  let rejected = 0;
  for (const raw of cases[kind]) {
    const parsed = probe.params.safeParse(raw);
    if (!parsed.success) {
      rejected++;
      continue;
    }
    for (const s of probe.sections(parsed.data)) {
      try {
        resolveSection(s);
        accepted.push(s);
      } catch (err) {
        // A value the probe schema allowed but the allow-list refuses is bad input (exit 2), never run.
        expect(err).toBeInstanceOf(InputError);
        rejected++;
      }
    }
  }
  return { accepted, rejected };
}

describe('host read allow-list', () => {
  it.each(Object.keys(hostProbes) as HostProbeKind[])(
    '%s asks only for allow-listed reads, arguments quoted',
    async (kind) => {
      const { accepted } = await sectionsFor(kind);
      expect(accepted.length).toBeGreaterThan(0);
      for (const s of accepted) {
        expect(isSectionId(s.id)).toBe(true);
        for (const argv of resolveSection(s)) expect(ALLOWED_PROGRAMS.has(argv[0]!)).toBe(true);
        const script = buildBatchScript([s]).script;
        for (const arg of s.args ?? []) expect(script).toContain(shellQuote(arg));
        // Nothing but quoted words on each command line: no unquoted metacharacters from arguments.
        for (const arg of s.args ?? [])
          expect(script.includes(` ${arg} `) && !/^[\w./=:-]+$/.test(arg)).toBe(false);
      }
    },
  );

  it('rejects every hostile value before it reaches a host', async () => {
    for (const kind of Object.keys(hostProbes) as HostProbeKind[]) {
      const { accepted, rejected } = await sectionsFor(kind);
      if (cases[kind].length > 1) expect(rejected).toBeGreaterThan(0);
      for (const s of accepted) {
        for (const a of s.args ?? []) expect(a).not.toMatch(/\$\(|`|;|\n|'|\.\.|^-|^$/);
      }
    }
  });

  it("the reads that follow a configuration's includes take only configuration files, folders and name wildcards", () => {
    const ok = (id: string, args: string[]) => expect(() => resolveSection({ id, args })).not.toThrow();
    const refused = (id: string, args: string[]) =>
      expect(() => resolveSection({ id, args })).toThrow(InputError);
    ok('config-part', ['/etc/apache2/mods-enabled/remoteip.load']);
    ok('config-part', ['/tmp/lab/apache2/conf-enabled/remoteip.conf']);
    ok('config-glob', ['/etc/apache2/mods-enabled', '*.load']);
    ok('config-glob', ['/etc/httpd/conf.d', '[0-9][0-9]-*.conf']);
    expect(resolveSection({ id: 'config-part', args: ['/etc/nginx/nginx.conf'] })).toEqual([
      ['head', '-c', '262144', '/etc/nginx/nginx.conf'],
    ]);
    for (const e of [...evil, '/etc/passwd', '/home/u/.ssh/id_rsa', '/tmp/apache2/secret.key'])
      refused('config-part', [e]);
    for (const e of [...evil, '/etc', '/home/u/.ssh', '/tmp', '/var/lib/mysql'])
      refused('config-glob', [e, '*.conf']);
    for (const e of [...evil, '*/x.conf', '../*', '-delete', '*.conf -delete', '*.conf\n']) {
      refused('config-glob', ['/etc/apache2/mods-enabled', e]);
    }
  });

  it('runs every accepted read of every probe as one batch on this machine without side effects', async () => {
    const all: SectionRequest[] = [];
    for (const kind of Object.keys(hostProbes) as HostProbeKind[])
      all.push(...(await sectionsFor(kind)).accepted);
    const reader = createBatchReader(new LocalRunner(), { host: 'local' });
    const outs = await reader.read(all, AbortSignal.timeout(30_000));
    expect(outs).toHaveLength(all.length);
    for (const o of outs) expect(o.exitCode).not.toBe(-1);
    expect(existsSync(canary)).toBe(false);
  });
});
