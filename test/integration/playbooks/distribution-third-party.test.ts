// uneven-distribution and sticky-session on real third-party balancers: nginx
// (weighted round robin, ip_hash) and HAProxy (roundrobin, balance source,
// cookie SRV insert, an application cookie) in front of real nginx backends
// that sign their answers with X-Backend — or only with their body, or not at
// all. Each case runs the built CLI as a user would and asserts the exact
// findings: the expected conclusion and no other.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/engine/result.js';
import { lbdoctor } from '../../helpers/cli.js';
import { haproxyMissing, type RunningHaproxy, startHaproxy } from '../../helpers/haproxy.js';
import { closedPort } from '../../helpers/net-servers.js';
import { nginxMissing, type RunningNginx, startNginx } from '../../helpers/nginx.js';

const missing = nginxMissing ?? haproxyMissing;
if (missing) console.warn(`skipping the third-party distribution tests: ${missing}`);

interface Report {
  findings: Pick<Finding, 'code' | 'severity' | 'evidence' | 'cause' | 'chart'>[];
}

describe.skipIf(!!missing)(
  'uneven-distribution and sticky-session on nginx and HAProxy',
  { timeout: 120_000 },
  () => {
    let backends: RunningNginx;
    let balancers: RunningNginx;
    let haproxy: RunningHaproxy;
    let dir: string;
    const be: Record<string, number> = {};
    const lb: Record<string, number> = {};

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'lbd-distribution-'));
      for (const n of ['be1', 'be2', 'body1', 'body2', 'same1', 'same2', 'cookie1', 'cookie2'])
        be[n] = await closedPort();
      for (const n of [
        'weighted',
        'iphash',
        'even',
        'extra',
        'broken',
        'rr',
        'insert',
        'source',
        'appcookie',
        'rrcookie',
      ])
        lb[n] = await closedPort();
      const health = 'location = /health { return 200 "ok\\n"; }';
      backends = await startNginx(
        [
          // Signed with a header, as a member behind a load balancer often is.
          ...['be1', 'be2'].map(
            (n) =>
              `server { listen 127.0.0.1:${be[n]}; ${health} location / { add_header X-Backend ${n} always; return 200 "hello\\n"; } }`,
          ),
          // Only the body tells these apart.
          ...['body1', 'body2'].map(
            (n) =>
              `server { listen 127.0.0.1:${be[n]}; ${health} location / { return 200 "page from ${n}\\n"; } }`,
          ),
          // An application session cookie (its value is a secret: it must never reach a report).
          ...['cookie1', 'cookie2'].map(
            (n) =>
              `server { listen 127.0.0.1:${be[n]}; ${health} location / { add_header X-Backend ${n} always; add_header Set-Cookie "APPSESSION=v4lue-of-${n}; Path=/" always; return 200 "hello\\n"; } }`,
          ),
          // Identical answers: nothing tells them apart.
          ...['same1', 'same2'].map(
            (n) => `server { listen 127.0.0.1:${be[n]}; ${health} location / { return 200 "same\\n"; } }`,
          ),
        ].join('\n'),
        Object.values(be),
      );
      const upstream = (name: string, extra: string, members: string) =>
        `upstream ${name} { ${extra} ${members} }\nserver { listen 127.0.0.1:${lb[name]}; location / { proxy_pass http://${name}; } }`;
      balancers = await startNginx(
        [
          upstream(
            'weighted',
            '',
            `server 127.0.0.1:${be.be1} weight=3; server 127.0.0.1:${be.be2} weight=1;`,
          ),
          upstream('iphash', 'ip_hash;', `server 127.0.0.1:${be.be1}; server 127.0.0.1:${be.be2};`),
          upstream('even', '', `server 127.0.0.1:${be.body1}; server 127.0.0.1:${be.body2};`),
          // A third member the inventory will not list.
          upstream(
            'extra',
            '',
            `server 127.0.0.1:${be.be1}; server 127.0.0.1:${be.be2}; server 127.0.0.1:${be.body1};`,
          ),
          // Sends to a port nothing listens on: every answer is nginx's own 502 page.
          upstream('broken', '', `server 127.0.0.1:${await closedPort()};`),
        ].join('\n'),
        [lb.weighted!, lb.iphash!, lb.even!, lb.extra!, lb.broken!],
      );
      const servers = `server s1 127.0.0.1:${be.be1} cookie s1\n  server s2 127.0.0.1:${be.be2} cookie s2`;
      haproxy = await startHaproxy(
        [
          `listen rr\n  bind 127.0.0.1:${lb.rr}\n  balance roundrobin\n  server s1 127.0.0.1:${be.be1}\n  server s2 127.0.0.1:${be.be2}`,
          `listen rrcookie\n  bind 127.0.0.1:${lb.rrcookie}\n  balance roundrobin\n  server c1 127.0.0.1:${be.cookie1}\n  server c2 127.0.0.1:${be.cookie2}`,
          `listen insert\n  bind 127.0.0.1:${lb.insert}\n  balance roundrobin\n  cookie SRV insert indirect nocache\n  ${servers}`,
          `listen source\n  bind 127.0.0.1:${lb.source}\n  balance source\n  server s1 127.0.0.1:${be.be1}\n  server s2 127.0.0.1:${be.be2}`,
          // Application-cookie stickiness on JSESSIONID, which these backends never set.
          `listen appcookie\n  bind 127.0.0.1:${lb.appcookie}\n  balance roundrobin\n  cookie JSESSIONID prefix nocache\n  ${servers}`,
        ].join('\n'),
        [lb.rr!, lb.insert!, lb.source!, lb.appcookie!, lb.rrcookie!],
      );
    });
    afterAll(async () => {
      await haproxy?.close();
      await balancers?.close();
      await backends?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function run(
      playbook: string,
      listenerPort: number,
      pool: string,
      members: readonly { name: string; weight?: number }[],
      extra: string[] = [],
    ): Promise<{ code: number; report: Report; codes: string[] }> {
      const file = join(dir, `${playbook}-${listenerPort}-${Math.random().toString(36).slice(2)}.yaml`);
      const list = members
        .map(
          (m) =>
            `{name: ${m.name}, address: 127.0.0.1, protocol_port: ${be[m.name]}, weight: ${m.weight ?? 1}}`,
        )
        .join(', ');
      await writeFile(
        file,
        `loadbalancer: {name: lb, type: dedicated, vip_address: 127.0.0.1, vip_subnet_cidr: 127.0.0.0/8}
listeners: [{name: web, protocol: HTTP, protocol_port: ${listenerPort}, default_pool_id: app}]
pools:
  - id: app
    protocol: HTTP
    healthmonitor: {type: HTTP, url_path: /health, timeout: 2}
${pool}
    members: [${list}]
`,
      );
      const r = await lbdoctor(
        ['run', playbook, '--inventory', file, '--non-interactive', '--format', 'json', ...extra],
        {
          timeoutMs: 60_000,
        },
      );
      const report = JSON.parse(r.stdout) as Report;
      return { code: r.code, report, codes: report.findings.map((f) => f.code).sort() };
    }

    const pair = [{ name: 'be1' }, { name: 'be2' }];

    it('nginx weighted 3:1, inventory 3:1: the shares follow unequal weights (numbers in the evidence, a chart)', async () => {
      const r = await run('uneven-distribution', lb.weighted!, '    lb_algorithm: ROUND_ROBIN', [
        { name: 'be1', weight: 3 },
        { name: 'be2', weight: 1 },
      ]);
      expect(r.codes).toEqual(['uneven-distribution/unequal-weights']);
      expect(r.report.findings[0]!.evidence.join('\n')).toMatch(/be1 150 \(75%, weight 75%\)/);
      expect(r.report.findings[0]!.chart?.bars).toEqual([
        { label: 'be1', value: 0.75, reference: 0.75 },
        { label: 'be2', value: 0.25, reference: 0.25 },
      ]);
      expect(r.code).toBe(0);
    });

    it('nginx weighted 3:1, inventory 1:1: the load balancer weights are not the inventory weights', async () => {
      const r = await run('uneven-distribution', lb.weighted!, '    lb_algorithm: ROUND_ROBIN', pair);
      expect(r.codes).toEqual(['uneven-distribution/weights-differ']);
      expect(r.report.findings[0]!.cause).toMatch(/p = [0-9.e-]+: below 0.001/);
      // nginx's smooth weighted round robin gives exactly 3:1; the inventory's weights ask for 1:1.
      expect(r.report.findings[0]!.chart).toMatchObject({
        unit: 'share',
        referenceLabel: 'weight',
        bars: [
          { label: 'be1', value: 0.75, reference: 0.5 },
          { label: 'be2', value: 0.25, reference: 0.5 },
        ],
      });
      expect(r.code).toBe(1);
    });

    it('nginx ip_hash: one client address lands on one member', async () => {
      const r = await run('uneven-distribution', lb.iphash!, '    lb_algorithm: SOURCE_IP', pair);
      expect(r.codes).toEqual(['uneven-distribution/source-ip-hash']);
    });

    it('nginx round robin over members told apart only by their body: even (healthy twin)', async () => {
      const r = await run('uneven-distribution', lb.even!, '    lb_algorithm: ROUND_ROBIN', [
        { name: 'body1' },
        { name: 'body2' },
      ]);
      expect(r.codes).toEqual(['uneven-distribution/distribution-even']);
      expect(r.report.findings[0]!.evidence[0]).toContain('told apart by their body');
      expect(r.code).toBe(0);
    });

    it('members that answer identically: named as such, then measured with --input member_header', async () => {
      const same = [{ name: 'same1' }, { name: 'same2' }];
      const r = await run('uneven-distribution', lb.even!, '    lb_algorithm: ROUND_ROBIN', same);
      expect(r.codes).toEqual(['uneven-distribution/cannot-attribute']);
      expect(r.report.findings[0]!.cause).toContain('the members answer identically');
      expect(r.code).toBe(1);
      // HAProxy rr in front of be1/be2, which sign with X-Backend: the header given by name.
      const named = await run('uneven-distribution', lb.rr!, '    lb_algorithm: ROUND_ROBIN', pair, [
        '--input',
        'member_header=X-Backend',
      ]);
      expect(named.codes).toEqual(['uneven-distribution/distribution-even']);
    });

    it('a member that never answers directly is a finding, not a crash', async () => {
      be.gone = await closedPort();
      const r = await run('uneven-distribution', lb.rr!, '    lb_algorithm: ROUND_ROBIN', [
        { name: 'be1' },
        { name: 'gone' },
      ]);
      expect(r.codes).toEqual(['uneven-distribution/member-no-direct-answer']);
      expect(r.report.findings[0]!.cause).toMatch(/gone \(.*refused/i);
    });

    it('HAProxy balance source: source-IP hash; sticky from here, broken behind a CDN (asked)', async () => {
      const uneven = await run('uneven-distribution', lb.source!, '    lb_algorithm: SOURCE_IP', pair);
      expect(uneven.codes).toEqual(['uneven-distribution/source-ip-hash']);
      const sticky = await run('sticky-session', lb.source!, '    lb_algorithm: SOURCE_IP', pair);
      expect(sticky.codes).toEqual(['sticky-session/stickiness-working']);
      const cdn = await run('sticky-session', lb.source!, '    lb_algorithm: SOURCE_IP', pair, [
        '--set',
        'proxy_before_lb=true',
      ]);
      expect(cdn.codes).toEqual(['sticky-session/source-ip-changes']);
      expect(cdn.code).toBe(1);
    });

    it('HAProxy cookie SRV insert: a client that keeps the cookie stays (healthy twin); the cookie name is shown', async () => {
      const r = await run('sticky-session', lb.insert!, '    session_persistence: {type: HTTP_COOKIE}', pair);
      expect(r.codes).toEqual(['sticky-session/stickiness-working']);
      expect(r.report.findings[0]!.cause).toContain('SRV');
      // The client that sent SRV back reached one member only.
      expect(r.report.findings[0]!.chart?.bars.filter((b) => b.value > 0)).toHaveLength(1);
      expect(r.code).toBe(0);
    });

    it('HAProxy without stickiness: stickiness off', async () => {
      const r = await run('sticky-session', lb.rr!, '    lb_algorithm: ROUND_ROBIN', pair);
      expect(r.codes).toEqual(['sticky-session/stickiness-off']);
    });

    it('HAProxy on JSESSIONID the backends never set: the cookie is missing', async () => {
      const r = await run(
        'sticky-session',
        lb.appcookie!,
        '    session_persistence: {type: APP_COOKIE, cookie_name: JSESSIONID}',
        pair,
      );
      expect(r.codes).toEqual(['sticky-session/cookie-missing']);
    });

    it('an algorithm/stickiness pair FAQ 6.1 does not allow: named from the inventory', async () => {
      const r = await run(
        'sticky-session',
        lb.source!,
        '    lb_algorithm: SOURCE_IP\n    session_persistence: {type: HTTP_COOKIE}',
        pair,
      );
      expect(r.codes).toEqual(['sticky-session/unsupported-combination']);
    });
    it('nginx with a third member the inventory does not list: named, not averaged away', async () => {
      const r = await run('uneven-distribution', lb.extra!, '    lb_algorithm: ROUND_ROBIN', pair);
      expect(r.codes).toEqual(['uneven-distribution/unlisted-member']);
      expect(r.report.findings[0]!.cause).toMatch(/^6[67] of 200 answers/);
    });

    it('a load balancer that answers only with its own error page: too few answers to judge', async () => {
      const r = await run('uneven-distribution', lb.broken!, '    lb_algorithm: ROUND_ROBIN', pair);
      expect(r.codes).toEqual(['uneven-distribution/too-few-answers']);
      expect(r.code).toBe(1);
    });

    it('a pool without members: said, nothing sent', async () => {
      for (const playbook of ['uneven-distribution', 'sticky-session']) {
        const r = await run(playbook, lb.rr!, '    lb_algorithm: ROUND_ROBIN', []);
        expect(r.codes).toEqual([`${playbook}/no-members`]);
      }
    });

    it('stickiness lasting less than a session must: duration too short', async () => {
      const r = await run(
        'sticky-session',
        lb.insert!,
        '    session_persistence: {type: HTTP_COOKIE, persistence_timeout: 5}',
        pair,
        ['--input', 'session_minutes=60'],
      );
      expect(r.codes).toEqual(['sticky-session/duration-too-short']);
      expect(r.report.findings[0]!.severity).toBe('warn');
    });

    it('the inventory says LB-cookie stickiness, the balancer keeps none: broken; cookie values never shown', async () => {
      const cookies = [{ name: 'cookie1' }, { name: 'cookie2' }];
      const r = await run(
        'sticky-session',
        lb.rrcookie!,
        '    session_persistence: {type: HTTP_COOKIE}',
        cookies,
      );
      expect(r.codes).toEqual(['sticky-session/stickiness-broken']);
      expect(r.report.findings[0]!.cause).toContain('APPSESSION');
      expect(JSON.stringify(r.report)).not.toContain('v4lue-of-');
    });
  },
);
