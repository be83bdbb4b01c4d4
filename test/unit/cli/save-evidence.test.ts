// --save-evidence files get the reports' redaction (issue 13): a user
// attaches them to tickets. They must still replay with --from-evidence.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { savingEvidence } from '../../../src/cli/vantage-setup.js';
import { SecretSet } from '../../../src/reporters/redact.js';
import {
  type BatchRecord,
  evidenceFileName,
  formatEvidence,
  parseEvidence,
} from '../../../src/runners/batch.js';
import type { Vantage, VantageProvider } from '../../../src/runners/types.js';

const record: BatchRecord = {
  host: 'be1',
  runner: 'ssh',
  marker: '@@LBD-x@@',
  sections: [{ id: 'sysctl', args: [] }],
  exitCode: 0,
  stdout: '@@LBD-x@@ 0 begin\nnet.ipv4.tcp_syncookies = 1\nlogin ops/pw-EVIDENCE-1\n\n@@LBD-x@@ 0 end 0\n',
  stderr: '@@LBD-x@@ 0 begin\ncurl -H "Authorization: Bearer tok-EV-2"\n\n@@LBD-x@@ 0 end 0\n',
};

describe('--save-evidence', () => {
  it('writes each host’s read with the run’s secrets removed, and it still parses', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lbd-evidence-'));
    const vantage: Vantage = {
      name: 'be1',
      dialer: { vantage: 'ssh://be1', connect: () => Promise.reject(new Error('none')) },
      host: { host: 'be1', read: async () => [], raw: formatEvidence([record]) } as Vantage['host'],
      timings: {},
    };
    const provider: VantageProvider = {
      local: () => vantage,
      forHost: async () => vantage,
      close: async () => {},
    };
    const saving = savingEvidence(provider, dir, new SecretSet(['pw-EVIDENCE-1']));
    await saving.forHost('be1', new AbortController().signal);
    await saving.close();
    const text = await readFile(join(dir, evidenceFileName('be1')), 'utf8');
    expect(text).not.toContain('pw-EVIDENCE-1');
    expect(text).not.toContain('tok-EV-2');
    expect(text).toContain('net.ipv4.tcp_syncookies = 1');
    const [back] = parseEvidence(text);
    expect(back?.stdout).toBe(
      '@@LBD-x@@ 0 begin\nnet.ipv4.tcp_syncookies = 1\nlogin ops/[REDACTED]\n\n@@LBD-x@@ 0 end 0\n',
    );
    expect(back?.stderr).toContain('Authorization: Bearer [REDACTED]');
  });
});
