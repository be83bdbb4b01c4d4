// --version, --help and list must not load network, SSH or prompt modules:
// they are what makes startup slow (issue 2, "Speed"). bench/startup measures it.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

const REGISTER = fileURLToPath(new URL('../fixtures/module-trace/register.mjs', import.meta.url));
const HEAVY = [
  /\/undici\//,
  /\/node-ssh\//,
  /\/ssh2\//,
  /@inquirer/,
  /\/execa\//,
  /^node:(net|tls|dgram|http|https)$/,
  /\/reference\//,
];

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const trace = join(await mkdtemp(join(tmpdir(), 'lbd-trace-')), 'modules.txt');
  const r = await execa('node', ['--import', REGISTER, BIN, ...args], {
    env: { LBD_MODULE_TRACE: trace, CI: 'true' },
    reject: false,
    stdin: 'ignore',
  });
  expect(r.exitCode).toBe(0);
  return (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
}

describe('startup loads no heavy modules', () => {
  it.each([[['--version']], [['--help']], [['list']], [['run', '--help']]])('lbdoctor %j', async (args) => {
    const loaded = await modulesLoadedBy(args);
    expect(loaded.some((u) => u.includes('/dist/cli/main.js'))).toBe(true);
    const heavy = loaded.filter((u) => HEAVY.some((re) => re.test(u)));
    expect(heavy).toEqual([]);
  });
});

describe('startup loads only what the command needs', () => {
  const commandModules = (loaded: string[]) =>
    loaded.filter((u) => /\/dist\/cli\/commands\//.test(u)).map((u) => u.replace(/.*\/commands\//, ''));

  it('--help loads no command module (the others are stubs)', async () => {
    expect(commandModules(await modulesLoadedBy(['--help']))).toEqual([]);
    expect(commandModules(await modulesLoadedBy(['run', '--help']))).toEqual(['run.js']);
  });

  it.each([[['list']], [['list', '502']]])(
    '%j reads the bundled playbooks from their catalog: no YAML parser, no zod, no playbook checks',
    async (args) => {
      const loaded = await modulesLoadedBy(args);
      expect(commandModules(loaded)).toEqual(['list.js']);
      const parsing = loaded.filter((u) =>
        /\/node_modules\/(yaml|zod)\/|\/dist\/playbook\/(load|parse|schema|validate)\.js/.test(u),
      );
      expect(parsing, 'stale or missing dist/playbook/catalog.json? run `npm run build`').toEqual([]);
      // Its plain text is wrapped without string-width and wrap-ansi (30 ms of startup).
      expect(loaded.filter((u) => /\/node_modules\/(string-width|wrap-ansi)\//.test(u))).toEqual([]);
    },
  );
});
