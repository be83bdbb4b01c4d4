// `lbdoctor explain` through the built CLI, as a user types it.
import { describe, expect, it } from 'vitest';
import { lbdoctor } from '../helpers/cli.js';

describe('lbdoctor explain', () => {
  it('without words: every topic, in 80 columns', async () => {
    const r = await lbdoctor(['explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/frozen-load-balancer/);
    expect(r.stdout).toMatch(/\(FAQ 8\.4\)/);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('words: the best answer with its FAQ section, then other matches', async () => {
    const r = await lbdoctor(['explain', 'websocket', 'timeout']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Does the load balancer pass WebSocket?');
    expect(r.stdout).toMatch(/FAQ 5\.5, 5\.6 · websocket/);
    expect(r.stdout).toMatch(/lbdoctor explain listener-timeouts/);
    const addr = await lbdoctor(['explain', '100.125']);
    expect(addr.stdout).toMatch(/100\.125\.0\.0\/16/);
    expect(addr.stdout).toMatch(/FAQ 6\.4/);
  });

  it('json: the matches, best first', async () => {
    const r = await lbdoctor(['explain', 'bandwidth', '--format', 'json']);
    expect(r.code).toBe(0);
    const topics = JSON.parse(r.stdout) as Array<{ id: string; faq: string[]; answer: string }>;
    expect(topics.length).toBeGreaterThan(1);
    expect(topics[0]!.answer).not.toMatch(/\n/);
  });

  it('no match: exit 2 with a close word, no stack trace', async () => {
    const r = await lbdoctor(['explain', 'websockt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no explain topic matches "websockt"/);
    expect(r.stderr).toMatch(/did you mean "websocket"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await lbdoctor(['explain', 'x', '--format', 'yaml'])).code).toBe(2);
  });
});
