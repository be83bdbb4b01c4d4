// Runs the built CLI like a user does: `node bin/lbdoctor.js …`, no TTY, CI set.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/lbdoctor.js', import.meta.url));

export async function lbdoctor(
  args: string[],
  options: { env?: Record<string, string>; input?: string | Uint8Array; timeoutMs?: number } = {},
) {
  const r = await execa('node', [BIN, ...args], {
    reject: false,
    env: { CI: 'true', NO_COLOR: '1', ...options.env },
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    timeout: options.timeoutMs ?? 30_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
