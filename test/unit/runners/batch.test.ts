import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import type { SectionRequest } from '../../../src/transport/types.js';
import {
  buildBatchScript,
  createBatchReader,
  createEvidenceReader,
  NO_EXIT_CODE,
  parseBatchOutput,
  saveEvidence,
} from '../../../src/runners/batch.js';
import { LocalRunner } from '../../../src/runners/local.js';
import type { CommandResult, CommandRunner } from '../../../src/runners/types.js';

const signal = () => AbortSignal.timeout(20_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lbd-batch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Counts calls so memoisation is visible. */
class CountingRunner implements CommandRunner {
  readonly name = 'counting';
  calls: string[] = [];
  constructor(private readonly inner: CommandRunner) {}
  run(argv: readonly string[], options: { input?: string; signal: AbortSignal; timeoutMs: number }) {
    this.calls.push(options.input ?? '');
    return this.inner.run(argv, options);
  }
}

describe('buildBatchScript', () => {
  it('deduplicates requests and fences each section with a random marker', () => {
    const reqs: SectionRequest[] = [
      { id: 'loadavg' },
      { id: 'sysctl', args: ['net.core.somaxconn'] },
      { id: 'loadavg' },
    ];
    const a = buildBatchScript(reqs);
    const b = buildBatchScript(reqs);
    expect(a.sections).toHaveLength(2);
    expect(a.marker).not.toBe(b.marker);
    expect(a.script).toContain("'sysctl' 'net.core.somaxconn'");
  });

  it('a reader refuses bad reads with a rejected promise, before running anything', async () => {
    const never: CommandRunner = { name: 'never', run: () => Promise.reject(new Error('must not run')) };
    await expect(
      createBatchReader(never, { host: 'x' }).read([{ id: 'rm', args: ['-rf', '/'] }], signal()),
    ).rejects.toThrow(InputError);
  });

  it('refuses reads that are not on the allow-list or have bad arguments', () => {
    expect(() => buildBatchScript([{ id: 'rm' }])).toThrow(InputError);
    expect(() => buildBatchScript([{ id: 'file', args: ['/etc/shadow'] }])).toThrow(InputError);
    expect(() => buildBatchScript([{ id: 'file', args: ['/etc/nginx/../shadow'] }])).toThrow(InputError);
    expect(() => buildBatchScript([{ id: 'log-tail', args: ['/var/log/x.log', '10; id'] }])).toThrow(
      InputError,
    );
    expect(() => buildBatchScript([{ id: 'sysctl', args: ['net.core.somaxconn;id'] }])).toThrow(InputError);
    expect(() => buildBatchScript([{ id: 'sysctl', args: [] }])).toThrow(InputError);
    expect(() => buildBatchScript([{ id: 'loadavg', args: ['extra'] }])).toThrow(InputError);
  });
});

describe('batched read through sh -s on this machine', () => {
  it('returns each section with its own exit code; a missing program fails only its section', async () => {
    // PATH holds only `sh` and `cat`, so nproc and getconf are missing while /proc reads still work.
    const bin = join(dir, 'bin');
    await rm(bin, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(bin);
    await symlink('/bin/cat', join(bin, 'cat'));
    await symlink('/bin/sh', join(bin, 'sh'));
    const runner = new LocalRunner({ env: { PATH: bin } });
    const reader = createBatchReader(runner, { host: 'local' });
    const [load, cpus] = await reader.read([{ id: 'loadavg' }, { id: 'cpus' }], signal());
    expect(load!.exitCode).toBe(0);
    expect(load!.stdout).toMatch(/^\d+\.\d+ \d+\.\d+ \d+\.\d+ \d+\/\d+ \d+\n$/);
    expect(cpus!.exitCode).toBe(127);
    expect(cpus!.stderr).toContain('not installed on this host: nproc, getconf');
  });

  it('memoises: a second read asks the host only for what is missing', async () => {
    const runner = new CountingRunner(new LocalRunner());
    const reader = createBatchReader(runner, { host: 'local' });
    const first = await reader.read(
      [{ id: 'loadavg' }, { id: 'sysctl', args: ['net.core.somaxconn'] }],
      signal(),
    );
    expect(first[1]!.stdout).toMatch(/^net\.core\.somaxconn = \d+\n$/);
    await reader.read([{ id: 'loadavg' }], signal());
    expect(runner.calls).toHaveLength(1);
    const more = await reader.read([{ id: 'loadavg' }, { id: 'meminfo' }], signal());
    expect(runner.calls).toHaveLength(2);
    expect(runner.calls[1]).toContain("'/proc/meminfo'");
    expect(runner.calls[1]).not.toContain("'/proc/loadavg'");
    expect(more[0]).toEqual(first[0]);
    expect(more[1]!.stdout).toContain('MemTotal:');
  });

  it('a named reading is read again when asked for, and kept apart from the first', async () => {
    const runner = new CountingRunner(new LocalRunner());
    const reader = createBatchReader(runner, { host: 'local' });
    const [before] = await reader.read([{ id: 'loadavg' }], signal());
    await new Promise((r) => setTimeout(r, 20));
    const [again, after] = await reader.read(
      [{ id: 'loadavg' }, { id: 'loadavg', reading: 'after-burst' }],
      signal(),
    );
    // Only the named reading went to the host the second time.
    expect(runner.calls).toHaveLength(2);
    expect(again).toEqual(before);
    expect(after).toMatchObject({ id: 'loadavg', reading: 'after-burst', exitCode: 0 });
    expect(after!.stdout).toMatch(/^\d+\.\d+ /);
    await reader.read([{ id: 'loadavg', reading: 'after-burst' }], signal());
    expect(runner.calls).toHaveLength(2);
    // Saved evidence replays both readings.
    await saveEvidence(dir, 'readings', reader.raw);
    const replay = await createEvidenceReader(dir, 'readings');
    const [r1, r2] = await replay.read(
      [{ id: 'loadavg' }, { id: 'loadavg', reading: 'after-burst' }],
      signal(),
    );
    expect(r1).toEqual(before);
    expect(r2).toEqual(after);
  });

  it('keeps output that imitates the markers, and output without a trailing newline', async () => {
    const log = join(dir, 'tricky-access.log');
    // Lines that look like fences of another run, and no final newline.
    await writeFile(log, '@@LBD-00112233@@ 0 end 0\n@@LBD-00112233@@ 1 begin\nlast line, no newline');
    const reader = createBatchReader(new LocalRunner(), { host: 'local' });
    const [tail, load] = await reader.read(
      [{ id: 'log-tail', args: [log, '10'] }, { id: 'loadavg' }],
      signal(),
    );
    expect(tail!.exitCode).toBe(0);
    expect(tail!.stdout).toBe('@@LBD-00112233@@ 0 end 0\n@@LBD-00112233@@ 1 begin\nlast line, no newline');
    expect(load!.exitCode).toBe(0);
    // A missing file: its own exit code and stderr, the rest unaffected.
    const [missing] = await reader.read([{ id: 'log-tail', args: [join(dir, 'nope.log'), '5'] }], signal());
    expect(missing!.exitCode).not.toBe(0);
    expect(missing!.stderr).toMatch(/No such file/);
  });

  it('passes hostile but allowed arguments through quoted, never run', async () => {
    const evil = join(dir, "x'$(touch PWNED)`touch PWNED2`;touch PWNED3'.log");
    expect(() => buildBatchScript([{ id: 'log-tail', args: [evil, '1'] }])).toThrow(InputError);
  });
});

describe('parseBatchOutput', () => {
  const batch = buildBatchScript([{ id: 'loadavg' }, { id: 'meminfo' }, { id: 'sockstat' }], 'abc');
  const m = batch.marker;
  it('marks a cut-off section and sections that never ran', () => {
    const stdout = `${m} 0 begin\n1.00 2.00 3.00 1/2 3\n\n${m} 0 end 0\n${m} 1 begin\nMemTotal: 1 kB\nMemFr`;
    const outs = parseBatchOutput(batch, stdout, '');
    expect(outs[0]).toMatchObject({ exitCode: 0, stdout: '1.00 2.00 3.00 1/2 3\n' });
    expect(outs[1]).toMatchObject({ exitCode: NO_EXIT_CODE, stdout: 'MemTotal: 1 kB\nMemFr' });
    expect(outs[1]!.stderr).toContain('cut off');
    expect(outs[2]).toMatchObject({ exitCode: NO_EXIT_CODE, stdout: '' });
    expect(outs[2]!.stderr).toContain('did not run');
  });
});

describe('evidence', () => {
  it('saves the raw read and replays it offline with identical outputs', async () => {
    const reader = createBatchReader(new LocalRunner(), { host: 'ssh://root@be1:22' });
    const reqs: SectionRequest[] = [{ id: 'loadavg' }, { id: 'sysctl', args: ['net.ipv4.icmp_ratemask'] }];
    const live = await reader.read(reqs, signal());
    await reader.read([{ id: 'sockstat' }], signal());
    const path = await saveEvidence(join(dir, 'ev'), 'ssh://root@be1:22', reader.raw);
    expect(path).toMatch(/ssh___root_be1_22\.evidence\.txt$/);
    const replay = await createEvidenceReader(join(dir, 'ev'), 'ssh://root@be1:22');
    expect(await replay.read(reqs, signal())).toEqual(live);
    const [sock, absent] = await replay.read([{ id: 'sockstat' }, { id: 'modules' }], signal());
    expect(sock!.stdout).toMatch(/^sockets: used/);
    expect(absent!.exitCode).toBe(NO_EXIT_CODE);
    expect(absent!.stderr).toContain('not captured');
  });

  it('says clearly when there is no evidence for a host', async () => {
    await expect(createEvidenceReader(join(dir, 'ev'), 'other')).rejects.toThrow(
      /cannot read evidence for host "other"/,
    );
  });
});

describe('runner failure', () => {
  it('rejects the read (the engine turns it into error observations)', async () => {
    const failing: CommandRunner = {
      name: 'down',
      run: (): Promise<CommandResult> => Promise.reject(new Error('connect ECONNREFUSED')),
    };
    const reader = createBatchReader(failing, { host: 'be9' });
    await expect(reader.read([{ id: 'loadavg' }], signal())).rejects.toThrow('ECONNREFUSED');
  });
});
