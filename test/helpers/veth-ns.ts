// One network namespace joined to the root namespace by a veth pair, for
// probe lab tests that need a real second host (ICMP rate limits do not apply
// on loopback; firewall rules belong inside a namespace, never on the host).
// Names carry a per-run suffix; remove() is safe to call twice.
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

export interface VethNamespace {
  ns: string;
  /** Root-side address (the prober). */
  rootAddress: string;
  /** Namespace-side address (the target). */
  nsAddress: string;
  exec(argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

/** Why these tests cannot run here, or undefined when they can. */
export async function vethSupport(extra: string[][] = []): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, veth, sysctl in a namespace)';
  const ip = await execa('ip', ['netns', 'list'], { reject: false, timeout: 5000 });
  if (ip.exitCode !== 0) return `ip netns is unavailable: ${ip.stderr || ip.message}`;
  for (const argv of extra) {
    const r = await execa(argv[0]!, argv.slice(1), { reject: false, timeout: 5000 });
    if (r.exitCode !== 0) return `${argv.join(' ')} is unavailable: ${r.stderr || r.message}`;
  }
  return undefined;
}

export async function createVethNamespace(tag: string): Promise<VethNamespace> {
  const id = randomBytes(3).toString('hex');
  const ns = `lbd-${id}-${tag}`;
  // Interface names are limited to 15 characters.
  const rootIf = `lbd${id}r`;
  const nsIf = `lbd${id}n`;
  const [a, b] = [...randomBytes(2)];
  const net = `10.${200 + (a! % 50)}.${b}`;
  const rootAddress = `${net}.1`;
  const nsAddress = `${net}.2`;
  const sh = (argv: string[]) => execa(argv[0]!, argv.slice(1), { timeout: 10_000 });
  let created = false;
  const remove = async (): Promise<void> => {
    if (!created) return;
    created = false;
    await execa('ip', ['netns', 'del', ns], { reject: false, timeout: 10_000 });
    // Deleting the namespace deletes its veth end, which takes the root end with it; be sure anyway.
    await execa('ip', ['link', 'del', rootIf], { reject: false, timeout: 10_000 });
  };
  try {
    await sh(['ip', 'netns', 'add', ns]);
    created = true;
    await sh(['ip', 'link', 'add', rootIf, 'type', 'veth', 'peer', 'name', nsIf]);
    await sh(['ip', 'link', 'set', nsIf, 'netns', ns]);
    await sh(['ip', 'addr', 'add', `${rootAddress}/30`, 'dev', rootIf]);
    await sh(['ip', 'link', 'set', rootIf, 'up']);
    await sh(['ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${nsAddress}/30`, 'dev', nsIf]);
    await sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up']);
    await sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    ns,
    rootAddress,
    nsAddress,
    async exec(argv) {
      const r = await execa('ip', ['netns', 'exec', ns, ...argv], { reject: false, timeout: 10_000 });
      return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    remove,
  };
}
