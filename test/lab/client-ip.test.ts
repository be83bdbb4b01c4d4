// client-ip on lab hosts, through two balancers: the reference LB (the
// inventory's listener) and a real nginx proxy adding X-Forwarded-For on the
// lb host (`--target LB:8080`), in front of be1's real nginx with or without
// real_ip. Each run must reach the scenario's conclusion and no other finding
// at error severity, and the address the probe read must be the one nginx
// really wrote in be1's access log. Layer 4 runs on kernel load balancers
// (DNAT, with or without MASQUERADE), and be1's sockets show the lab is what
// the inventory says. Needs root, ip netns, iptables, sshd and nginx; skipped
// with the reason otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { NGINX_BALANCER_PORT } from '../../src/lab/scenarios/client-ip.js';
import { hostScenarioSupport } from '../../src/lab/scenarios/define-host.js';
import { findScenario, type RunningScenario } from '../../src/lab/scenarios/index.js';
import { parseTcpSockets } from '../../src/probes/parsers/tcp-sockets.js';
import { lbdoctor } from '../helpers/cli.js';

const support = await hostScenarioSupport(['nginx', 'iptables']);
const why = support.ok ? undefined : support.reason;
if (why) console.warn(`skipping the client-ip lab tests: ${why}`);
const apache = await hostScenarioSupport(['nginx', 'apache2']);
const apacheWhy = apache.ok ? undefined : apache.reason;
if (!why && apacheWhy) console.warn(`skipping the client-ip lab tests on Apache: ${apacheWhy}`);

interface Report {
  findings: { code: string; severity: string }[];
  checks: {
    step: string;
    observation: {
      outcome: string;
      summary: string;
      data: { address?: string; marker?: string; others?: number; files?: string[] };
    };
  }[];
}

let dir: string;

async function run(running: RunningScenario, extra: readonly string[] = []): Promise<Report> {
  const inventory = join(dir, `${running.id}.yaml`);
  writeFileSync(inventory, running.inventoryYaml);
  const r = await lbdoctor(
    [
      'run',
      'client-ip',
      '--inventory',
      inventory,
      ...(running.runArgs ?? []),
      ...extra,
      '--non-interactive',
      '--format',
      'json',
    ],
    { env: { SSH_AUTH_SOCK: '' }, timeoutMs: 60_000 },
  );
  return JSON.parse(r.stdout) as Report;
}

const lbAddress = (r: RunningScenario) => r.hosts!.find((h) => h.name === 'lb')!.address;
const errors = (report: Report) => report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
const appLog = (report: Report) => report.checks.find((c) => c.step === 'app-log')?.observation;
const loggedAddress = (report: Report) => appLog(report)?.data.address;
/** The line be1's web server wrote for a request target (health checks may come after it). */
const logLineFor = (running: RunningScenario, target: string) => {
  const args = running.runArgs ?? [];
  const log = args.find((a) => a.startsWith('backend_log='))!.slice('backend_log='.length);
  return readFileSync(log, 'utf8')
    .split('\n')
    .find((l) => l.includes(`"GET ${target} `));
};

describe.skipIf(why !== undefined)('client-ip on lab hosts', { timeout: 90_000 }, () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbd-clientip-lab-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const l7 = [
    ['real-ip-not-configured', 'real-ip-not-configured', 'lb'],
    ['real-ip-range-not-trusted', 'lb-range-not-trusted', 'lb'],
    ['client-ip-healthy', 'client-address-seen', 'operator'],
    ['client-ip-x-real-ip', 'client-address-seen', 'operator'],
  ] as const;
  // be1 as a stock Debian Apache: mod_remoteip loaded from mods-enabled/, set in conf-enabled/.
  const apacheL7 = [
    ['real-ip-apache-range-not-trusted', 'lb-range-not-trusted', 'lb'],
    ['client-ip-apache-healthy', 'client-address-seen', 'operator'],
    ['real-ip-apache-module-not-loaded', 'real-ip-not-configured', 'lb'],
  ] as const;

  const throughBothBalancers = async (id: string, conclusion: string, seen: 'lb' | 'operator') => {
    const running = await findScenario(id).start();
    onTestFinished(() => running.close());
    const operator = running.hosts!.find((h) => h.name === 'lb')!.address.replace(/\.\d+$/, '.1');
    const want = seen === 'lb' ? lbAddress(running) : operator;
    for (const extra of [[], ['--target', `${lbAddress(running)}:${NGINX_BALANCER_PORT}`]]) {
      const report = await run(running, extra);
      const codes = report.findings.map((f) => f.code);
      expect(codes, `client-ip ${extra.join(' ')}`).toEqual([`client-ip/${conclusion}`]);
      if (conclusion === 'client-address-seen') expect(errors(report)).toEqual([]);
      // What the probe read is what be1's nginx wrote for the marked request.
      expect(loggedAddress(report)).toBe(want);
      const marker = appLog(report)!.data.marker!;
      expect(marker).toMatch(/^\/lbdoctor-client-ip\?lbdoctor-run=[0-9a-f]{12}&listener=1$/);
      expect(logLineFor(running, marker)?.startsWith(`${want} `)).toBe(true);
      // Apache's settings were found where Debian keeps them, through apache2.conf's includes.
      const config = report.checks.find((c) => c.step === 'config-explains')?.observation;
      if (id.includes('apache') && conclusion !== 'client-address-seen') {
        const files = config?.data.files ?? [];
        expect(files).toEqual(
          expect.arrayContaining([expect.stringMatching(/\/apache2\/conf-enabled\/remoteip\.conf$/)]),
        );
        // Loaded where a2enmod puts it, or (not enabled) nowhere Apache reads.
        expect(files.some((f) => f.endsWith('/apache2/mods-enabled/remoteip.load'))).toBe(
          !id.includes('module-not-loaded'),
        );
      }
    }
  };
  it.each(l7)('%s: reference LB and nginx balancer both lead to %s', throughBothBalancers);
  it.skipIf(apacheWhy !== undefined).each(apacheL7)(
    '%s: reference LB and nginx balancer both lead to %s',
    throughBothBalancers,
  );

  // The log named holds a marked line an earlier run left (from the other address: the
  // client before the fix was undone, or the load balancer before it was made), and the
  // server now logs elsewhere. That line must not stand in for this run's request: the
  // configuration decides, and the evidence says the request was not found.
  it.each([
    ['real-ip-not-configured', 'operator', 'real-ip-not-configured', 'error'],
    // be1 is the pool's only member: the request reached it, so a log without it is not its log.
    ['client-ip-healthy', 'lb', 'request-not-logged', 'warn'],
  ] as const)(
    "%s: an old marked line from the %s in the log read is not this run's request",
    async (id, oldFrom, conclusion, severity) => {
      const running = await findScenario(id).start();
      onTestFinished(() => running.close());
      const lb = lbAddress(running);
      const old = oldFrom === 'lb' ? lb : lb.replace(/\.\d+$/, '.1');
      const staleLog = join(dir, `${id}-old-access.log`);
      // A line in be1's nginx format (combined) for an earlier run's request, before markers were unique.
      writeFileSync(
        staleLog,
        `${old} - - [28/Nov/2026:09:47:41 +0000] "GET /lbdoctor-client-ip HTTP/1.1" 200 4 "-" "lbdoctor/0.1.0"\n`,
      );
      const args = (running.runArgs ?? []).map((a) =>
        a.startsWith('backend_log=') ? `backend_log=${staleLog}` : a,
      );
      const report = await run({ ...running, runArgs: args });
      expect(report.findings.map((f) => [f.code, f.severity])).toEqual([
        [`client-ip/${conclusion}`, severity],
      ]);
      const seen = appLog(report)!;
      expect(seen.outcome).toBe('skip');
      expect(seen.data.others).toBe(1);
      expect(seen.summary).toContain("this run's request");
      // The request did reach be1: its real log has it, from the address the scenario makes it log.
      expect(logLineFor(running, seen.data.marker!)).toBeDefined();
    },
  );

  it.each([
    ['toa-missing', 'l4-client-ip-lost', 'error'],
    ['transfer-client-ip-on', 'l4-client-ip-kept', 'info'],
  ] as const)('%s: %s', async (id, conclusion, severity) => {
    const running = await findScenario(id).start();
    onTestFinished(() => running.close());
    const report = await run(running);
    // Two kernel load balancers, one TCP listener each: one finding per listener.
    const one = [`client-ip/${conclusion}`, severity];
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([one, one]);
    // The lab does what the inventory says: be1's connections on :80 come from the client, or from the LBs.
    const host = (name: string) => running.hosts!.find((h) => h.name === name)!;
    const ss = execFileSync('ip', ['netns', 'exec', host('be1').ns, 'ss', '-tn', 'sport', '= :80'], {
      encoding: 'utf8',
    });
    const peers = parseTcpSockets(ss).map((x) => x.peer.address);
    expect(peers.length).toBeGreaterThan(0);
    const want =
      conclusion === 'l4-client-ip-kept'
        ? [host('client').address]
        : [host('lb1').address, host('lb2').address];
    expect(new Set(peers)).toEqual(new Set(want));
  });
});
