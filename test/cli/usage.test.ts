// Bad usage at any depth of the command tree is exit 2 (DESIGN.md "Reports
// and exit codes": 1 means findings), with one short line on stderr and no
// stack trace; help and version stay 0.
import { describe, expect, it } from 'vitest';
import { BIN, lbdoctor } from '../helpers/cli.js';

const STACK = /\n\s+at .*:\d+:\d+/;

describe('usage errors exit 2', () => {
  it.each([
    [['run'], /missing required argument 'playbook'/],
    [['run', 'x', '--bogus'], /unknown option '--bogus'/],
    [['run', 'router-code', '--fail-on', 'never'], /argument 'never' is invalid/],
    [['lab', 'up'], /required option '-s, --scenario <name>' not specified/],
    [['lab', 'hosts', 'up', '--nope'], /unknown option '--nope'/],
    [['reference', 'serve'], /required option '-c, --config <inventory>' not specified/],
    [['show'], /missing required argument 'playbook'/],
    [['schema'], /missing required argument 'kind'/],
    [['demo', 'extra'], /too many arguments/],
    [['bogus'], /unknown command 'bogus'/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('lbdoctor %j', async (args, message) => {
    const r = await lbdoctor(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^lbdoctor: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toBe('');
  });

  it('names the command whose help explains it', async () => {
    expect((await lbdoctor(['lab', 'up'])).stderr).toContain('lbdoctor lab up --help');
    expect((await lbdoctor(['run', 'x', '--bogus'])).stderr).toContain('lbdoctor run --help');
  });

  it('a command group without its subcommand prints its help on stderr, exit 2', async () => {
    const r = await lbdoctor(['lab']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: lbdoctor lab');
    const root = await lbdoctor([]);
    expect(root.code).toBe(2);
    expect(root.stderr).toContain('Usage: lbdoctor');
  });

  it.each([
    [['--help']],
    [['-V']],
    [['help']],
    [['help', 'run']],
    [['run', '--help']],
    [['lab', 'up', '-h']],
  ])('lbdoctor %j is not an error', async (args) => {
    const r = await lbdoctor(args);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe('');
  });
});

describe('a reader that leaves early', () => {
  it('`lbdoctor schema playbook | head -c 1` ends quietly, no EPIPE stack trace', async () => {
    const { execa } = await import('execa');
    const r = await execa('sh', ['-c', `node "${BIN}" schema playbook | head -c 1 >/dev/null`], {
      reject: false,
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
