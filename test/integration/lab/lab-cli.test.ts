// `lbdoctor lab up|status|down` as a user runs them: the built CLI, a
// detached background process, a real listener answering x-router-code 40000.
// Needs `npm run build` first (npm test does it).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'bin', 'lbdoctor.js');
let labDir: string;

function lbdoctor(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, LBDOCTOR_LAB_DIR: labDir }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function routerCode(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, signal: AbortSignal.timeout(10_000) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers['x-router-code'] as string | undefined));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Running, not a zombie (an exited orphan may wait a while to be reaped, and kill(pid, 0) still succeeds on it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('lbdoctor lab up/status/down', { timeout: 60_000 }, () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` first');
    labDir = mkdtempSync(join(tmpdir(), 'lbdoctor-lab-cli-'));
  });

  afterAll(() => {
    // Whatever happened, the background process this test started must not outlive it.
    for (const f of readdirSync(labDir).filter((n) => n.endsWith('.json'))) {
      const { pid } = JSON.parse(readFileSync(join(labDir, f), 'utf8')) as { pid: number };
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(labDir, { recursive: true, force: true });
  });

  it('starts empty-pool in the background, answers 40000, reports status, stops', async () => {
    const upResult = await lbdoctor('lab', 'up', '--scenario', 'empty-pool');
    expect(upResult.stderr).toBe('');
    expect(upResult.code).toBe(0);
    const url = /listener web \(HTTP\):\s+(http:\/\/\S+)/.exec(upResult.stdout)?.[1];
    const inventory = /inventory:\s+(\S+)/.exec(upResult.stdout)?.[1];
    expect(url).toBeDefined();
    expect(inventory && readFileSync(inventory, 'utf8')).toContain('default_pool_id: web-pool');

    expect(await routerCode(`${url}/`)).toBe('40000');

    const status = await lbdoctor('lab', 'status', '--format', 'json');
    const [state] = JSON.parse(status.stdout) as { scenario: string; pid: number; running: boolean }[];
    expect(state).toMatchObject({ scenario: 'empty-pool', running: true });
    expect(state && alive(state.pid)).toBe(true);

    const again = await lbdoctor('lab', 'up', '--scenario', 'empty-pool');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already up');

    const down = await lbdoctor('lab', 'down');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('scenario empty-pool stopped');
    expect(state && alive(state.pid)).toBe(false);
    expect(readdirSync(labDir)).toEqual([]);
    await expect(routerCode(`${url}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects an unknown scenario with exit 2 and the closest id', async () => {
    const res = await lbdoctor('lab', 'up', '--scenario', 'empty-pol');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('did you mean "empty-pool"');
  });

  it('lists scenarios as JSON', async () => {
    const res = await lbdoctor('lab', 'scenarios', '--format', 'json');
    const list = JSON.parse(res.stdout) as { id: string; playbook: string; conclusion: string }[];
    expect(list).toContainEqual(
      expect.objectContaining({
        id: 'all-members-down',
        playbook: 'router-code',
        conclusion: 'all-members-unhealthy',
      }),
    );
  });
});
