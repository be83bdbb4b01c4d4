import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { hang, hangCommand } from '../../../src/reporters/wrap.js';

const words = 'the health check connects to port 8080 on be1 and is refused by the kernel';

describe('hang', () => {
  it('keeps a short line as it is', () => {
    expect(hang('  - ', 'short', 80)).toEqual(['  - short']);
  });

  it('wraps under the text, the first line after a wider prefix included', () => {
    const lines = hang('  ? NOT CHECKED  ', words, 40, 4);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(40);
    expect(lines[0]?.startsWith('  ? NOT CHECKED  the')).toBe(true);
    expect(lines.slice(1).every((l) => l.startsWith('    ') && !l.startsWith('     '))).toBe(true);
    expect(lines.map((l, i) => (i === 0 ? l.slice(17) : l.trim())).join(' ')).toBe(words);
  });

  it('measures what a terminal shows: colour codes take no room', () => {
    const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
    const lines = hang('    ', red(words), 40);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(40);
    expect(lines.length).toBe(hang('    ', words, 40).length);
  });

  it('breaks a word longer than the line rather than overflowing', () => {
    for (const l of hang('      - ', `x${'y'.repeat(100)}`, 60))
      expect(stringWidth(l)).toBeLessThanOrEqual(60);
  });
});

describe('hangCommand', () => {
  it('ends each broken line with " \\\\" and never splits a word', () => {
    const cmd = 'iptables -I INPUT -s 100.125.0.0/16 -p tcp --dport 8080 -j ACCEPT';
    const lines = hangCommand('      $ ', cmd, 40);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines.slice(0, -1)) expect(l.endsWith(' \\')).toBe(true);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(40);
    const rejoined = lines.map((l) => l.replace(/ \\$/, '').trim()).join(' ');
    expect(rejoined).toBe(`$ ${cmd}`);
  });
});
