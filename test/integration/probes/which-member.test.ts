// The which-member probe on real sockets: an HTTPS listener (a real HAProxy
// terminating TLS) in front of lab backends, a member that is down, and
// members that answer identically.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpBackend, startHttpBackend } from '../../../src/lab/backends/index.js';
import { whichMemberParams } from '../../../src/probes/contracts/which-member.js';
import { whichMemberProbe } from '../../../src/probes/which-member.js';
import { haproxyMissing, type RunningHaproxy, startHaproxy } from '../../helpers/haproxy.js';
import { closedPort, localContext } from '../../helpers/net-servers.js';
import { makeChainFixtures } from '../../helpers/tls-fixtures.js';

if (haproxyMissing) console.warn(`skipping the which-member HTTPS test: ${haproxyMissing}`);

const member = (b: HttpBackend, name: string, weight = 1) => ({
  name,
  address: '127.0.0.1',
  protocol_port: b.port,
  weight,
});

describe('which-member', { timeout: 60_000 }, () => {
  let be1: HttpBackend;
  let be2: HttpBackend;
  let same1: HttpBackend;
  let same2: HttpBackend;
  let haproxy: RunningHaproxy | undefined;
  let dir: string;
  let httpsPort: number;

  beforeAll(async () => {
    be1 = await startHttpBackend({ name: 'be1' });
    be2 = await startHttpBackend({ name: 'be2' });
    same1 = await startHttpBackend({ default: { body: 'same\n', headers: { 'x-backend': 'web' } } });
    same2 = await startHttpBackend({ default: { body: 'same\n', headers: { 'x-backend': 'web' } } });
    dir = await mkdtemp(join(tmpdir(), 'lbd-which-member-'));
    if (!haproxyMissing) {
      const { leaf } = await makeChainFixtures(dir);
      const pem = join(dir, 'listener.pem');
      await writeFile(pem, `${leaf.cert}${leaf.key}`);
      httpsPort = await closedPort();
      haproxy = await startHaproxy(
        `listen web\n  bind 127.0.0.1:${httpsPort} ssl crt ${pem}\n  balance roundrobin\n  server s1 127.0.0.1:${be1.port} weight 2\n  server s2 127.0.0.1:${be2.port} weight 1`,
        [httpsPort],
      );
    }
  });
  afterAll(async () => {
    await haproxy?.close();
    await Promise.all([be1, be2, same1, same2].map((b) => b?.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(!!haproxyMissing)(
    'through an HTTPS listener: shares 2:1 as weighted, one kept-alive connection',
    async () => {
      const p = whichMemberParams.parse({
        url: `https://127.0.0.1:${httpsPort}/`,
        memberScheme: 'HTTP',
        targets: [member(be1, 'be1', 2), member(be2, 'be2', 1)],
        series: ['fresh', 'keepalive'],
        requests: 60,
      });
      const obs = await whichMemberProbe.run(p, localContext());
      expect(obs.outcome).toBe('pass');
      const data = obs.data as {
        identity: { by: string; header: string };
        fresh: { verdict: string; shares: string };
        keepalive: { connections: number; answered: number };
      };
      expect(data.identity).toMatchObject({ by: 'header', header: 'x-backend' });
      expect(data.fresh.verdict).toBe('as-weighted');
      expect(data.fresh.shares).toBe('be1 40 (67%, weight 67%), be2 20 (33%, weight 33%)');
      expect(data.keepalive).toMatchObject({ connections: 1, answered: 60 });
    },
  );

  it('a member that is down: listed with its reason; the other still recognised', async () => {
    const down = await closedPort();
    const p = whichMemberParams.parse({
      url: `http://127.0.0.1:${be1.port}/`,
      targets: [member(be1, 'be1'), { name: 'down', address: '127.0.0.1', protocol_port: down }],
      requests: 10,
    });
    const obs = await whichMemberProbe.run(p, localContext());
    expect(obs.outcome).toBe('fail');
    expect(obs.data).toMatchObject({ noDirect: 1, identity: { by: 'header', header: 'x-backend' } });
    expect((obs.data as { noDirectNames: string }).noDirectNames).toMatch(/^down \(.*ECONNREFUSED/);
  });

  it('members that answer identically: error with the reason, then a header that does not tell them apart', async () => {
    const base = {
      url: `http://127.0.0.1:${same1.port}/`,
      targets: [member(same1, 'a'), member(same2, 'b')],
      requests: 10,
    };
    const obs = await whichMemberProbe.run(whichMemberParams.parse(base), localContext());
    expect(obs.outcome).toBe('error');
    expect(obs.reason).toContain('the members answer identically');
    expect(obs.reason).toContain('--input member_header=NAME');
    const named = await whichMemberProbe.run(
      whichMemberParams.parse({ ...base, header: 'X-Backend' }),
      localContext(),
    );
    expect(named.outcome).toBe('error');
    expect(named.reason).toContain('header x-backend does not tell the members apart');
  });

  it('bad parameters are refused by the schema', () => {
    expect(whichMemberParams.safeParse({ url: 'ftp://x/', targets: [] }).success).toBe(false);
    expect(
      whichMemberParams.safeParse({
        url: 'http://127.0.0.1/',
        targets: [{ address: '127.0.0.1', protocol_port: 80 }],
        sources: 'not-an-ip',
      }).success,
    ).toBe(false);
    expect(
      whichMemberParams.parse({
        url: 'http://127.0.0.1/',
        targets: [{ address: '127.0.0.1', protocol_port: 80 }],
        sources: '127.0.0.2, 127.0.0.3',
      }).sources,
    ).toEqual(['127.0.0.2', '127.0.0.3']);
  });
});
