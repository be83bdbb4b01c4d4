import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { pingProbe as unchecked } from '../../../src/probes/ping.js';
import type { Dialer, HostReader, SectionRequest } from '../../../src/transport/types.js';
import { checked } from '../../helpers/contracts.js';
import { localContext } from '../../helpers/net-servers.js';

/** Every observation below is checked against the ping contract (src/probes/contracts/ping.ts). */
const pingProbe = checked(unchecked);

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/ping/${name}`, import.meta.url), 'utf8');
const hasPing = (await execa('ping', ['-V'], { reject: false })).exitCode === 0;
if (!hasPing) console.warn('skipping local ping tests: ping (iputils-ping) is not installed');

const sshDialer: Dialer = {
  vantage: 'ssh://root@10.231.77.1:22',
  connect: () => Promise.reject(new Error('unused')),
};

/** A host reader answering from captured output, recording what it was asked. */
function capturedHost(stdout: string, exitCode: number, asked: SectionRequest[]): HostReader {
  return {
    host: 'be1',
    async read(requests) {
      asked.push(...requests);
      return requests.map((r) => ({ id: r.id, args: r.args ?? [], exitCode, stdout, stderr: '' }));
    },
  };
}

describe('ping probe', () => {
  it.skipIf(!hasPing)('passes when 127.0.0.1 answers the local ping', async () => {
    const obs = await pingProbe.run(pingProbe.params.parse({ host: '127.0.0.1', count: 1 }), localContext());
    expect(obs.outcome).toBe('pass');
    expect(obs.data).toMatchObject({ verdict: 'replies', transmitted: 1, received: 1, lossPercent: 0 });
    expect(obs.raw).toContain('1 packets transmitted');
  });

  it.skipIf(!hasPing)('is an error when the name does not resolve', async () => {
    const obs = await pingProbe.run(
      pingProbe.params.parse({ host: 'no-such-host.invalid', count: 1 }),
      localContext(),
    );
    expect(obs.outcome).toBe('error');
    expect(obs.data.verdict).toBe('unknown-host');
  });

  it.skipIf(!hasPing)('pings locally from the local vantage even when it has a host reader', async () => {
    const asked: SectionRequest[] = [];
    const ctx = { ...localContext(), host: capturedHost('', 0, asked) };
    const obs = await pingProbe.run(pingProbe.params.parse({ host: '127.0.0.1', count: 1 }), ctx);
    expect(asked).toEqual([]);
    expect(obs.outcome).toBe('pass');
  });

  it("runs through a remote vantage's host reader", async () => {
    const asked: SectionRequest[] = [];
    const ctx = {
      ...localContext(),
      dialer: sshDialer,
      host: capturedHost(fixture('iputils-loss.txt'), 1, asked),
    };
    const obs = await pingProbe.run(
      pingProbe.params.parse({ host: '10.231.77.2', count: 3, waitSeconds: 1 }),
      ctx,
    );
    expect(asked).toEqual([{ id: 'ping', args: ['10.231.77.2', '3', '1'] }]);
    expect(obs.outcome).toBe('fail');
    expect(obs.data).toMatchObject({ vantage: 'be1', verdict: 'no-reply', lossPercent: 100 });
    expect(obs.summary).toMatch(/FAQ 2.4/);
  });

  it('is an error, not a crash, when the host cannot run the read', async () => {
    const host: HostReader = {
      host: 'be2',
      read: () => Promise.reject(new InputError('host read "ping" is not on the allow-list')),
    };
    const obs = await pingProbe.run(pingProbe.params.parse({ host: '10.0.0.1' }), {
      ...localContext(),
      dialer: sshDialer,
      host,
    });
    expect(obs.outcome).toBe('error');
    expect(obs.reason).toMatch(/allow-list/);
  });

  it('refuses a host that would read as a ping option', () => {
    expect(pingProbe.params.safeParse({ host: '-f' }).success).toBe(false);
  });
});
