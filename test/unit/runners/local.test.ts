import { describe, expect, it } from 'vitest';
import { LbdError } from '../../../src/errors.js';
import { LocalRunner, NetnsRunner } from '../../../src/runners/local.js';

describe('LocalRunner', () => {
  const runner = new LocalRunner();
  it('runs argv without a shell and feeds stdin', async () => {
    const r = await runner.run(['sh', '-c', 'cat; echo "$1" >&2; exit 3', 'sh', '$(id)'], {
      input: 'hello\n',
      signal: AbortSignal.timeout(10_000),
      timeoutMs: 10_000,
    });
    expect(r).toEqual({ stdout: 'hello\n', stderr: '$(id)\n', exitCode: 3 });
  });

  it('reports a missing program as exit 127, like a shell', async () => {
    const r = await runner.run(['lbdoctor-no-such-program'], {
      signal: AbortSignal.timeout(10_000),
      timeoutMs: 10_000,
    });
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('ENOENT');
  });

  it('throws on timeout and on abort', async () => {
    await expect(
      runner.run(['sleep', '5'], { signal: AbortSignal.timeout(10_000), timeoutMs: 100 }),
    ).rejects.toThrow(/timed out after 100 ms/);
    const ac = new AbortController();
    const p = runner.run(['sleep', '5'], { signal: ac.signal, timeoutMs: 10_000 });
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow(LbdError);
  });

  it('NetnsRunner prefixes ip netns exec and refuses odd names', () => {
    expect(new NetnsRunner('lbd-ab12-be1').name).toBe('netns:lbd-ab12-be1');
    expect(() => new NetnsRunner('a b;c')).toThrow(LbdError);
  });
});
