// Lab hosts are real network namespaces; these tests need root and `ip netns`.
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab, labSupport, sweepStaleLabs } from '../../src/lab/netns.js';

const support = await labSupport();
if (!support.ok) console.warn(`skipping lab netns tests: ${support.reason}`);

describe.skipIf(!support.ok)('lab network namespaces', () => {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await createLab({ hosts: ['be1', 'be2'] });
  }, 60_000);
  afterAll(async () => {
    await lab?.teardown();
  }, 60_000);

  it('gives each host its address, loopback and a default route via the bridge', async () => {
    const be1 = lab!.hosts.be1!;
    expect(be1.ns).toBe(`lbd-${lab!.id}-be1`);
    const addr = await be1.exec(['ip', '-4', '-o', 'addr', 'show']);
    expect(addr.exitCode).toBe(0);
    expect(addr.stdout).toContain(`${be1.address}/24`);
    expect(addr.stdout).toMatch(/\blo\b.*127\.0\.0\.1/);
    const route = await be1.exec(['ip', 'route', 'show', 'default']);
    expect(route.stdout.trim()).toBe(`default via ${lab!.gateway} dev eth0`);
  });

  it('lets hosts reach each other over the bridge', async () => {
    const r = await lab!.hosts.be1!.exec(['ping', '-c', '1', '-W', '2', lab!.hosts.be2!.address], {
      timeoutMs: 10_000,
    });
    expect(r.exitCode).toBe(0);
  });

  it('has no way out of the lab', async () => {
    // 192.0.2.1 (TEST-NET-1) would go via the gateway; forwarding out is dropped.
    const r = await lab!.hosts.be1!.exec(['ping', '-c', '1', '-W', '1', '192.0.2.1'], { timeoutMs: 10_000 });
    expect(r.exitCode).not.toBe(0);
    const nft = await execa('nft', ['list', 'table', 'inet', `lbd_${lab!.id}`], { reject: false });
    expect(nft.stdout).toContain(`iifname "${lab!.bridge}" oifname != "${lab!.bridge}" drop`);
  });

  it('passes stdin and exit codes through exec, with ~/.bashrc masked', async () => {
    const r = await lab!.hosts.be2!.exec(['sh', '-c', 'cat; wc -c < /root/.bashrc; exit 3'], {
      input: 'hello\n',
    });
    expect(r.stdout).toBe('hello\n0\n');
    expect(r.exitCode).toBe(3);
  });

  it('refuses a subnet that is not an IPv4 /24', async () => {
    await expect(createLab({ hosts: ['x1'], subnet: '10.1.0.0/16' })).rejects.toThrow(/not an IPv4 \/24/);
    await expect(createLab({ hosts: ['x1'], subnet: '10.1.300.0/24' })).rejects.toThrow(/not a valid CIDR/);
    await expect(createLab({ hosts: ['Bad_Name'] })).rejects.toThrow(/not valid/);
  });

  it('tears down everything, twice without complaint, and sweeps nothing live', async () => {
    const other = await createLab({ hosts: ['x1'] });
    expect(await sweepStaleLabs()).not.toContain(other.id);
    await other.teardown();
    await other.teardown();
    const list = await execa('ip', ['netns', 'list']);
    expect(list.stdout).not.toContain(`lbd-${other.id}-`);
    const link = await execa('ip', ['link', 'show', other.bridge], { reject: false });
    expect(link.exitCode).not.toBe(0);
    expect(existsSync(other.dir)).toBe(false);
  }, 60_000);
});
