import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from '../../../src/runners/quote.js';

// Hostile values: each must reach the program exactly as written.
const hostile = [
  '',
  ' ',
  "it's",
  "''",
  "'",
  '"double"',
  'a;b',
  '; rm -rf /tmp/nothing-here',
  '$(id)',
  '`id`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} is the hostile value under test
  '${HOME}',
  '$HOME',
  'line1\nline2',
  '\n',
  'trailing newline\n',
  'tab\there',
  '\\',
  'back\\slash\\',
  '*',
  '?',
  '[a-z]',
  '~',
  '~root',
  '-n',
  '--',
  '|&<>(){}',
  '!',
  '#comment',
  'naïve ünïcödé — 日本語 🚀',
  'mixed \'single\' "double" $(x) `y` ;z',
  '\u0001\u001b[31m',
];

describe('shellQuote', () => {
  it.each(hostile.map((v) => [JSON.stringify(v), v]))('round-trips %s through sh -c', (_name, value) => {
    // printf %s prints the argument verbatim; a sentinel guards trailing newlines.
    const script = `printf '%s|' ${shellQuote(value as string)}`;
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', timeout: 5000 });
    expect(out).toBe(`${value}|`);
  });

  it('keeps a whole argv as separate words', () => {
    const script = `for a in ${shellJoin(hostile)}; do printf '%s\\0' "$a"; done`;
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', timeout: 5000 });
    expect(out.split('\0').slice(0, -1)).toEqual(hostile);
  });

  it('wraps in single quotes and escapes embedded quotes', () => {
    expect(shellQuote('abc')).toBe("'abc'");
    expect(shellQuote("a'b")).toBe("'a'\\''b'");
  });

  it('refuses NUL, which no argv can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(TypeError);
  });
});
