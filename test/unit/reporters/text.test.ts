import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { isCommand } from '../../../src/reporters/format.js';
import { textReporter } from '../../../src/reporters/text.js';
import { failTwoMembers, inconclusiveUnknownFact, passRun } from '../../fixtures/results.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes
const ANSI = /\u001b\[/;
/** A terminal wide enough that nothing wraps: for tests about content, not layout. */
const WIDE = 1000;

describe('text reporter', () => {
  it('groups findings by member, most severe first, with cause, evidence, fix and FAQ', () => {
    const out = textReporter.render(failTwoMembers, { color: false });
    expect(out).toContain('FAIL: 3 findings (2 error, 1 warn)');
    const be1 = out.indexOf('member be1 (10.0.1.11:8080)');
    const be2 = out.indexOf('member be2 (10.0.1.12:8080)');
    expect(be1).toBeGreaterThan(-1);
    expect(be2).toBeGreaterThan(be1);
    const be2Part = out.slice(be2);
    expect(be2Part.indexOf('firewall drops')).toBeLessThan(be2Part.indexOf('Load average'));
    expect(out).toContain('$ iptables -I INPUT -s 100.125.0.0/16 -p tcp --dport 8080 -j ACCEPT');
    expect(out).toContain('- 10.0.1.11:8080 refused the connection (RST) after 0.4 ms');
    expect(out).toContain('FAQ 2.1 · path hc-enabled → port-open → port-closed');
    expect(out).not.toMatch(ANSI);
  });

  it('shows slow hosts with the rc-file hint', () => {
    const out = textReporter.render(failTwoMembers, { color: false, width: WIDE });
    const be2Line = out.split('\n').find((l) => l.trimStart().startsWith('be2 '));
    expect(be2Line).toContain('read 3.4 s');
    expect(be2Line).toContain('rc files');
    const be1Line = out.split('\n').find((l) => l.trimStart().startsWith('be1 '));
    expect(be1Line).not.toContain('slow');
  });

  it('says loudly what could not be checked and which facts were unknown', () => {
    const out = textReporter.render(inconclusiveUnknownFact, { color: false, width: WIDE });
    expect(out).toContain('INCONCLUSIVE: no findings, 1 inconclusive walk');
    expect(out).toContain('NOT CHECKED');
    expect(out).toContain('connect timed out after 10 s');
    expect(out).toContain('Facts not known');
    expect(out).toMatch(/hc_enabled@pool:web-pool: unknown \(Is the health check enabled/);
    expect(out).toMatch(/ERROR .*could not read the firewall rules — ssh connect timed out/);
    expect(out).toContain('error: connect timed out after 10 s');
    expect(out).not.toMatch(/nothing needs attention/);
  });

  it('lists passing checks and every fact only when verbose', () => {
    const quiet = textReporter.render(failTwoMembers, { color: false });
    expect(quiet).not.toContain('hosts.deny does not block');
    expect(quiet).toContain('3 more passed or skipped');
    const verbose = textReporter.render(failTwoMembers, { color: false, verbose: true });
    expect(verbose).toContain('hosts.deny does not block');
    expect(verbose).toContain('expected ACCEPT, actual DROP');
    expect(verbose).toContain('lb_type = "dedicated" (set)');
  });

  it('a pass says so', () => {
    const out = textReporter.render(passRun, { color: false });
    expect(out).toContain('PASS: 1 finding (1 info)');
    expect(out).toContain('nothing needs attention');
  });

  it('colours only when asked', () => {
    expect(textReporter.render(failTwoMembers, { color: true })).toMatch(ANSI);
  });

  it('prints commands after $ and console steps as bullets', () => {
    const out = textReporter.render(failTwoMembers, { color: false, width: WIDE });
    expect(out).toContain(
      '      - Check that the security group of be2 allows 100.125.0.0/16 on port 8080 (console).',
    );
    expect(isCommand('ss -ltnp | grep 8080')).toBe(true);
    expect(isCommand('/usr/sbin/nginx -t')).toBe(true);
    expect(isCommand('Compare the health check with what the application serves.')).toBe(false);
    expect(isCommand('open the console:')).toBe(false);
  });

  it('fits 80 columns by default, and the terminal width when given', () => {
    for (const result of [failTwoMembers, inconclusiveUnknownFact, passRun]) {
      for (const color of [false, true]) {
        for (const width of [80, 60]) {
          const out = textReporter.render(result, {
            color,
            verbose: true,
            ...(width === 80 ? {} : { width }),
          });
          for (const line of out.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
        }
      }
    }
  });

  it('wraps a long command with a trailing backslash, so a paste still runs one command', () => {
    const out = textReporter.render(failTwoMembers, { color: false, width: 50 });
    const at = out.split('\n').findIndex((l) => l.includes('$ iptables'));
    const lines = out.split('\n').slice(at, at + 3);
    expect(lines[0]).toMatch(/ \\$/);
    expect(lines.map((l) => l.replace(/ \\$/, '').trim()).join(' ')).toContain(
      '$ iptables -I INPUT -s 100.125.0.0/16 -p tcp --dport 8080 -j ACCEPT',
    );
  });
});
