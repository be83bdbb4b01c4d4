// Builds the vantage provider for a run: this machine always; members and the
// client over SSH (verified host keys) when a step runs on them; or, with
// --from-evidence, hosts answered from a saved batched read.
import type { Inventory } from '../model/inventory.js';
import { redactText, redactValue, type Secrets } from '../reporters/redact.js';
import type { BatchRecord } from '../runners/batch.js';
import { createLocalVantage } from '../runners/local-vantage.js';
import type { Vantage, VantageProvider } from '../runners/types.js';
import type { RunOptions } from './commands/run.js';

export type VantageOptions = Pick<
  RunOptions,
  'knownHosts' | 'sshConfig' | 'sshHostKeyCheck' | 'identity' | 'fromEvidence' | 'saveEvidence'
> & {
  /** The run's secrets: removed from saved evidence files too. */
  secrets?: Secrets;
};

export async function createVantages(
  inventory: Inventory | undefined,
  opts: VantageOptions,
  timeoutMs: number,
  signal?: AbortSignal,
  interactive = false,
): Promise<VantageProvider> {
  if (opts.fromEvidence) return evidenceVantages(opts.fromEvidence);
  if (!inventory) {
    // --target only: nothing to reach over SSH.
    const local = createLocalVantage({ timeoutMs: timeoutMs * 4 });
    return {
      local: () => local,
      forHost: async (name) => {
        throw new Error(`no inventory, so no SSH reach for "${name}": give --inventory with a hosts entry`);
      },
      close: async () => {},
    };
  }
  const { createVantageProvider } = await import('../runners/vantages.js');
  const provider = createVantageProvider(inventory, {
    hostKeyCheck: opts.sshHostKeyCheck === 'accept-new' ? 'accept-new' : 'strict',
    ...(opts.knownHosts ? { knownHostsFile: opts.knownHosts } : {}),
    ...(opts.sshConfig ? { sshConfigFile: opts.sshConfig } : {}),
    ...(opts.identity ? { identityFile: opts.identity } : {}),
    concurrency: 16,
    timeoutMs: Math.max(timeoutMs, 10_000),
    ...(signal ? { signal } : {}),
    // Passwords only ever come from a prompt (or password_env): never a flag.
    ...(interactive ? { promptPassword: askPassword } : {}),
  });
  if (!opts.saveEvidence) return provider;
  return savingEvidence(provider, opts.saveEvidence, opts.secrets ?? []);
}

/**
 * Evidence records with every secret removed from what the host printed
 * (stdout, stderr) and from the section arguments: files a user attaches to
 * a ticket get the same redaction as the reports. Lengths are recomputed when
 * they are written, so --from-evidence still replays them.
 */
export function redactEvidence(records: readonly BatchRecord[], secrets: Secrets): BatchRecord[] {
  return records.map((r) => ({
    ...r,
    sections: redactValue(r.sections, secrets) as BatchRecord['sections'],
    stdout: redactText(r.stdout, secrets),
    stderr: redactText(r.stderr, secrets),
  }));
}

/** --save-evidence DIR: after the run, each host's raw batched read goes to DIR/<host>.evidence, redacted. */
export function savingEvidence(provider: VantageProvider, dir: string, secrets: Secrets): VantageProvider {
  const used: Vantage[] = [];
  return {
    local: () => {
      const v = provider.local();
      if (!used.includes(v)) used.push(v);
      return v;
    },
    forHost: async (name, signal) => {
      const v = await provider.forHost(name, signal);
      if (!used.includes(v)) used.push(v);
      return v;
    },
    close: async () => {
      const { formatEvidence, parseEvidence, saveEvidence } = await import('../runners/batch.js');
      for (const v of used) {
        const raw = (v.host as { raw?: string }).raw;
        if (!raw) continue;
        const records = redactEvidence(parseEvidence(raw, v.name), secrets);
        await saveEvidence(dir, v.name, formatEvidence(records));
      }
      await provider.close();
    },
  };
}

/** --from-evidence DIR: host probes replay saved reads; network probes cannot be replayed and say so. */
async function evidenceVantages(dir: string): Promise<VantageProvider> {
  const { createEvidenceReader } = await import('../runners/batch.js');
  const offline = {
    vantage: `evidence:${dir}`,
    connect: () =>
      Promise.reject(new Error('offline replay (--from-evidence): network probes are not replayed')),
  };
  const make = async (name: string): Promise<Vantage> => ({
    name,
    dialer: offline,
    host: await createEvidenceReader(dir, name),
    timings: {},
  });
  const local = await make('local').catch(() => undefined);
  return {
    local: () =>
      local ?? {
        name: 'local',
        dialer: offline,
        host: { host: 'local', read: () => Promise.reject(new Error(`no evidence for "local" in ${dir}`)) },
        timings: {},
      },
    forHost: (name) => make(name),
    close: async () => {},
  };
}

async function askPassword(prompt: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return password({ message: prompt, mask: true });
}
