import { describe, expect, it } from 'vitest';
import { appendBytes } from '../../../src/reference/http/wire/append.js';

describe('appendBytes', () => {
  it('builds a head sent a byte at a time, byte-exact', () => {
    const text = `GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`;
    let buf: Buffer | null = null;
    for (let i = 0; i < text.length; i++) buf = appendBytes(buf, Buffer.from(text[i] as string, 'latin1'));
    expect(buf?.toString('latin1')).toBe(text);
  });

  it('leaves views taken earlier untouched (bytes handed to a socket write stay as they were)', () => {
    let buf = appendBytes(Buffer.from('abc'), Buffer.from('def'));
    const early = buf.subarray(0, 6);
    // Consumed from the front, as the listener does, then appended again.
    buf = buf.subarray(4);
    buf = appendBytes(buf, Buffer.from('XYZ'));
    expect(early.toString()).toBe('abcdef');
    expect(buf.toString()).toBe('efXYZ');
  });

  it('never writes into memory that does not belong to it', () => {
    const shared = Buffer.from('0123456789');
    const head = shared.subarray(0, 4);
    const out = appendBytes(head, Buffer.from('AB'));
    expect(out.toString()).toBe('0123AB');
    expect(shared.toString()).toBe('0123456789');
  });

  it('two buffers grown from one store do not overwrite each other', () => {
    const base = appendBytes(Buffer.from('ab'), Buffer.from('cd'));
    const one = appendBytes(base, Buffer.from('11'));
    // `base` is stale now; appending to it again must not clobber `one`.
    const two = appendBytes(base, Buffer.from('22'));
    expect(one.toString()).toBe('abcd11');
    expect(two.toString()).toBe('abcd22');
  });
});
