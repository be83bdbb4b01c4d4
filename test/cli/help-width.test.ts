// Every --help, and `show` of every shipped playbook, fits an 80-column
// terminal: the commands are found the way a user finds them (each help's
// "Commands:" list, down to the leaves), and each one's help is spawned from
// the built CLI with no TTY, so commander wraps at its default 80 and only
// hand-written text (examples, notes) can overflow.
import { describe, expect, it } from 'vitest';
import { lbdoctor } from '../helpers/cli.js';

const WIDTH = 80;

/** Subcommand names in a help text's "Commands:" section (the built-in `help` left out). */
function subcommands(help: string): string[] {
  const section = help.split(/\nCommands:\n/)[1]?.split('\n\n')[0] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((m) => m[1] ?? '')
    .filter((name) => name !== 'help');
}

async function allHelp(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (path: string[]): Promise<void> => {
    const r = await lbdoctor([...path, '--help']);
    expect(r.code, `lbdoctor ${path.join(' ')} --help: ${r.stderr}`).toBe(0);
    out.set(path.join(' '), r.stdout);
    for (const name of subcommands(r.stdout)) await walk([...path, name]);
  };
  await walk([]);
  return out;
}

describe('--help of every command', () => {
  it(`fits ${WIDTH} columns`, async () => {
    const helps = await allHelp();
    // The walk must reach the nested commands, or this test proves nothing.
    for (const cmd of ['run', 'lab up', 'lab hosts up', 'reference serve', 'inventory import', 'cert check'])
      expect([...helps.keys()]).toContain(cmd);
    const long = [...helps].flatMap(([cmd, text]) =>
      text
        .split('\n')
        .filter((line) => line.length > WIDTH)
        .map((line) => `${['lbdoctor', cmd].filter(Boolean).join(' ')} --help (${line.length}): ${line}`),
    );
    expect(long).toEqual([]);
  }, 120_000);
});

describe('show of every shipped playbook', () => {
  it(`fits ${WIDTH} columns when piped`, async () => {
    const list = await lbdoctor(['list', '--format', 'json']);
    const ids = (JSON.parse(list.stdout) as { id: string }[]).map((p) => p.id);
    expect(ids).toContain('gateway-errors');
    const long: string[] = [];
    for (const id of ids) {
      const r = await lbdoctor(['show', id]);
      expect(r.code, r.stderr).toBe(0);
      for (const line of r.stdout.split('\n'))
        if (line.length > WIDTH) long.push(`lbdoctor show ${id} (${line.length}): ${line}`);
    }
    expect(long).toEqual([]);
  }, 120_000);
});

describe('lbdoctor probe, as text', () => {
  it(`fits ${WIDTH} columns when piped: long values wrap, lists go one item to a line`, async () => {
    // A server whose answer is all long lines: a long header, a long body line.
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.setHeader('x-long', `v${'-header-value'.repeat(20)}`);
      res.end(`${'a long body line '.repeat(30)}\nshort\n`);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    try {
      const r = await lbdoctor(['probe', 'http', '--url', `http://127.0.0.1:${port}/${'p'.repeat(120)}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('body:');
      expect(r.stdout.split('\n').filter((line) => line.length > WIDTH)).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('the listings', () => {
  it.each([[['list']], [['lab', 'scenarios']], [['explain']]])(
    `lbdoctor %j fits ${WIDTH} columns when piped`,
    async (args) => {
      const r = await lbdoctor(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split('\n').length).toBeGreaterThan(10);
      expect(r.stdout.split('\n').filter((line) => [...line].length > WIDTH)).toEqual([]);
    },
  );
});
