// One lab host with a real sshd, and `lbdoctor probe … --host ssh://…` run
// against it as a user would (host key checked against the lab's known_hosts,
// the lab's client key, no ssh config or agent). Registers its own
// beforeAll/afterAll, so call it inside a describe block.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll } from 'vitest';
import { createLab, type Lab, type LabHost } from '../../src/lab/netns.js';
import { type LabSshd, startLabSshd } from '../../src/lab/sshd.js';

const bin = fileURLToPath(new URL('../../bin/lbdoctor.js', import.meta.url));

export interface ProbeRun {
  exitCode?: number;
  stdout: string;
  stderr: string;
}

export interface SshProbeHost {
  /** The lab (its dir is private to the run) and the host be1, once beforeAll has run. */
  lab(): Lab;
  host(): LabHost;
  sshd(): LabSshd;
  /** `lbdoctor probe ARGS --host ssh://root@be1 … --format json`; never rejects. */
  probe(args: readonly string[]): Promise<ProbeRun>;
}

export function useSshProbeHost(): SshProbeHost {
  let lab: Lab | undefined;
  let sshd: LabSshd | undefined;
  let knownHosts = '';

  beforeAll(async () => {
    lab = await createLab({ hosts: ['be1'] });
    sshd = await startLabSshd(lab, lab.hosts.be1!);
    knownHosts = join(lab.dir, 'known_hosts');
    await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  }, 120_000);
  afterAll(async () => {
    await lab?.teardown();
  }, 60_000);

  return {
    lab: () => lab!,
    host: () => lab!.hosts.be1!,
    sshd: () => sshd!,
    probe: (args) =>
      execa(
        'node',
        [
          bin,
          'probe',
          ...args,
          '--host',
          `ssh://root@${lab!.hosts.be1!.address}:${sshd!.port}`,
          '--known-hosts',
          knownHosts,
          '--identity',
          sshd!.clientKeyPath,
          '--ssh-config',
          '/dev/null',
          '--format',
          'json',
        ],
        { reject: false, timeout: 60_000, env: { SSH_AUTH_SOCK: '' } },
      ),
  };
}
