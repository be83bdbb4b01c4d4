// The command tree is built lazily: only the command the arguments name is
// loaded (startup is a goal); every other command is a stub whose root-help
// line must read exactly as the full command's would.
import type { Command as CommandType } from 'commander';
import { describe, expect, it } from 'vitest';
import { Command, Help } from '../../src/cli/commander.js';
import { COMMANDS, commandNamed, commandTerm, registerCommands } from '../../src/cli/program.js';

async function tree(args: string[], full = false): Promise<CommandType> {
  const program = new Command();
  await registerCommands(program, () => {}, ['node', 'lbdoctor', ...args], { full });
  return program;
}

describe('the lazy command tree', () => {
  it("each stub's root-help line is the full command's", async () => {
    const program = await tree([], true);
    const help = new Help();
    for (const spec of COMMANDS) {
      const cmd = program.commands.find((c) => c.name() === spec.name)!;
      expect(commandTerm(spec), spec.name).toBe(help.subcommandTerm(cmd));
      expect(cmd.description(), spec.name).toBe(spec.description);
    }
  });

  it('root help reads the same with stubs as with every command loaded', async () => {
    expect((await tree(['--help'])).helpInformation()).toBe((await tree([], true)).helpInformation());
  });

  it('only the named command is loaded in full', async () => {
    const program = await tree(['--debug', 'list', '--format', 'json']);
    const options = (name: string) => program.commands.find((c) => c.name() === name)!.options.length;
    expect(options('list')).toBeGreaterThan(0);
    expect(options('run')).toBe(0);
    const lab = (await tree(['lab', 'up', '-s', 'x'])).commands.find((c) => c.name() === 'lab')!;
    expect(lab.commands.map((c) => c.name())).toContain('up');
  });

  it('commandNamed: the first word, or the word after help', () => {
    expect(commandNamed(['run', 'router-code', '-v'])).toBe('run');
    expect(commandNamed(['--debug', 'show', 'x'])).toBe('show');
    expect(commandNamed(['help', 'run'])).toBe('run');
    expect(commandNamed(['--help'])).toBeUndefined();
    expect(commandNamed([])).toBeUndefined();
  });
});
