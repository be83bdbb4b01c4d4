import { describe, expect, it } from 'vitest';
import { ChunkedDecoder } from '../../../src/reference/http/wire/chunked.js';

const b = (s: string) => Buffer.from(s, 'latin1');

interface Run {
  payload: string;
  consumed: number;
  done: boolean;
  error: string | null;
  payloadBytes: number;
  trailers: string;
}

/** Feeds `parts` in order, as a connection would (each part its own buffer), stopping when done or failed. */
function feed(parts: Buffer[], opts?: ConstructorParameters<typeof ChunkedDecoder>[0]): Run {
  const d = new ChunkedDecoder(opts);
  const out: Buffer[] = [];
  let consumed = 0;
  for (const part of parts) {
    const n = d.push(part, 0, (data) => out.push(Buffer.from(data)));
    consumed += n;
    if (d.done || d.error !== null) break;
    expect(n).toBe(part.length);
  }
  return {
    payload: Buffer.concat(out).toString('latin1'),
    consumed,
    done: d.done,
    error: d.error,
    payloadBytes: d.payloadBytes,
    trailers: d.trailers.toString('latin1'),
  };
}

const whole = (s: string, opts?: ConstructorParameters<typeof ChunkedDecoder>[0]) => feed([b(s)], opts);

function byteByByte(buf: Buffer): Buffer[] {
  return [...buf].map((c) => Buffer.from([c]));
}

/** mulberry32: a tiny seeded PRNG, so failures reproduce. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('ChunkedDecoder: valid bodies', () => {
  it('decodes chunks, hands out payload and stops at the end of the message', () => {
    const msg = '5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n';
    const r = whole(`${msg}GET / HTTP/1.1\r\n`);
    expect(r).toEqual({
      payload: 'hello, world',
      consumed: msg.length,
      done: true,
      error: null,
      payloadBytes: 12,
      trailers: '',
    });
  });

  it('reads hex sizes in either case, leading zeros, extensions and BWS before them', () => {
    const data = 'x'.repeat(0x1a);
    const r = whole(`1A\r\n${data}\r\n001a;name=value;q="a b"\r\n${data}\r\n0 \t; last\r\n\r\n`);
    expect([r.done, r.error, r.payload]).toEqual([true, null, data + data]);
    expect(whole(`a\t;x\r\n${'y'.repeat(10)}\r\n0\r\n\r\n`).payload).toBe('y'.repeat(10));
  });

  it('keeps an empty body and binary payload (CR, LF, NUL inside data)', () => {
    expect(whole('0\r\n\r\n')).toMatchObject({ done: true, payload: '', consumed: 5 });
    const data = '\r\n\x00\r\n0\r\n\r\n';
    expect(whole(`${data.length.toString(16)}\r\n${data}\r\n0\r\n\r\n`).payload).toBe(data);
  });

  it('passes trailers through as received, final CRLF included', () => {
    const trailers = 'Expires: never\r\nX-Checksum:\tabc \xe9\r\n\r\n';
    const r = whole(`3\r\nabc\r\n0\r\n${trailers}NEXT`);
    expect([r.done, r.payload, r.trailers]).toEqual([true, 'abc', trailers]);
    expect(r.consumed).toBe(`3\r\nabc\r\n0\r\n${trailers}`.length);
  });

  it('gives the same payload, consumption and trailers when fed one byte at a time and at every 2-way split', () => {
    const msg = b('4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n');
    const next = b('POST /next HTTP/1.1\r\n');
    const all = Buffer.concat([msg, next]);
    const expected = whole(all.toString('latin1'));
    expect(expected).toMatchObject({
      done: true,
      consumed: msg.length,
      payload: 'Wikipedia in\r\n\r\nchunks.',
    });
    expect(expected.trailers).toBe('X-T: 1\r\n\r\n');
    expect(feed(byteByByte(all))).toEqual(expected);
    for (let cut = 0; cut <= all.length; cut++) {
      expect(feed([all.subarray(0, cut), all.subarray(cut)]), `split at ${cut}`).toEqual(expected);
    }
  });

  it('pushes from an offset in one shared buffer, returning bytes consumed from that offset', () => {
    const buf = b('GARBAGE3\r\nabc\r\n0\r\n\r\nNEXT');
    const d = new ChunkedDecoder();
    const out: string[] = [];
    const n = d.push(buf, 7, (data) => out.push(data.toString('latin1')));
    expect([n, d.done, out.join('')]).toEqual([buf.length - 7 - 4, true, 'abc']);
    // After the end nothing more is consumed.
    expect(d.push(buf, 7 + n)).toBe(0);
  });

  it('hands payload as slices of the input buffer, not copies', () => {
    const buf = b('3\r\nabc\r\n0\r\n\r\n');
    const d = new ChunkedDecoder();
    let slice: Buffer | undefined;
    d.push(buf, 0, (data) => {
      slice = data;
    });
    expect(slice?.buffer).toBe(buf.buffer);
    expect(slice?.byteOffset).toBe(buf.byteOffset + 3);
  });

  it('property: random valid bodies split at random points decode to the original payload', () => {
    const rand = mulberry32(0x5eed);
    const int = (n: number) => Math.floor(rand() * n);
    for (let round = 0; round < 200; round++) {
      const payloadParts: Buffer[] = [];
      const wire: Buffer[] = [];
      const chunks = int(6);
      for (let c = 0; c < chunks; c++) {
        const size = 1 + int(300);
        const data = Buffer.from(Array.from({ length: size }, () => int(256)));
        payloadParts.push(data);
        let sizeText = size.toString(16);
        if (rand() < 0.3) sizeText = sizeText.toUpperCase();
        if (rand() < 0.2) sizeText = `00${sizeText}`;
        const ext = rand() < 0.3 ? `${rand() < 0.5 ? ' ' : ''};k${c}=v` : '';
        wire.push(b(`${sizeText}${ext}\r\n`), data, b('\r\n'));
      }
      const trailers = rand() < 0.3 ? `T${round}: v\r\n` : '';
      wire.push(b(`0\r\n${trailers}\r\n`));
      const msg = Buffer.concat(wire);
      const all = Buffer.concat([msg, b('HTTP/1.1 200 OK\r\n')]);
      // Random cut points, sorted, possibly repeated (empty parts are legal too).
      const cuts = Array.from({ length: int(8) }, () => int(all.length + 1)).sort((x, y) => x - y);
      const parts: Buffer[] = [];
      let prev = 0;
      for (const cut of [...cuts, all.length]) {
        parts.push(all.subarray(prev, cut));
        prev = cut;
      }
      const r = feed(parts);
      const payload = Buffer.concat(payloadParts);
      expect(r.error, `round ${round}`).toBeNull();
      expect(r.done).toBe(true);
      expect(r.consumed).toBe(msg.length);
      expect(r.payload).toBe(payload.toString('latin1'));
      expect(r.payloadBytes).toBe(payload.length);
      expect(r.trailers).toBe(trailers === '' ? '' : `${trailers}\r\n`);
    }
  });
});

describe('ChunkedDecoder: errors', () => {
  const cases: [string, string, string | RegExp][] = [
    ['not hex', 'zz\r\n\r\n', 'invalid chunk size'],
    ['empty size', '\r\nabc\r\n0\r\n\r\n', 'invalid chunk size'],
    ['sign', '+5\r\nhello\r\n0\r\n\r\n', 'invalid chunk size'],
    ['0x prefix', '0x5\r\nhello\r\n0\r\n\r\n', 'invalid chunk size'],
    ['space inside the size', '1 0\r\n', 'invalid chunk size'],
    ['BWS then CRLF without extension', '5 \r\nhello\r\n0\r\n\r\n', 'invalid chunk size'],
    ['16 hex digits', '1000000000000000\r\n', 'chunk size too large'],
    ['16 digits with leading zeros', '0000000000000005\r\n', 'chunk size too large'],
    ['bare LF after the size', '5\nhello\r\n0\r\n\r\n', 'chunk line ending in bare LF'],
    ['bare LF after an extension', '5;a\nhello\r\n0\r\n\r\n', 'chunk line ending in bare LF'],
    ['bare LF as the size line', '\n', 'chunk line ending in bare LF'],
    ['bare CR after the size', '5\rhello\r\n0\r\n\r\n', 'bare CR in chunk line'],
    ['control byte in an extension', '5;a\x01\r\nhello\r\n0\r\n\r\n', 'control byte in chunk extension'],
    ['data longer than the size', '3\r\nhello\r\n0\r\n\r\n', 'missing CRLF after chunk data'],
    ['data followed by LF only', '5\r\nhello\n0\r\n\r\n', 'missing CRLF after chunk data'],
    ['data followed by CR only', '5\r\nhello\rX0\r\n\r\n', 'missing CRLF after chunk data'],
    ['trailer without a colon', '0\r\nX-T\r\n\r\n', /without a colon/],
    ['space before the colon in a trailer', '0\r\nX-T : 1\r\n\r\n', /space before the colon/],
    ['obs-fold in trailers', '0\r\nX-T: 1\r\n 2\r\n\r\n', 'obs-fold in trailer section'],
    ['control byte in a trailer value', '0\r\nX-T: a\x0bb\r\n\r\n', /control byte/],
    ['bare LF ending a trailer', '0\r\nX-T: 1\n\r\n', /bare LF/],
    ['bare LF as the final line', '0\r\n\n', /bare LF/],
    ['bare CR as the final line', '0\r\n\rX', /bare CR/],
    ['non-token trailer name', '0\r\nX\xe9: 1\r\n\r\n', /invalid character/],
  ];
  for (const [name, input, expected] of cases) {
    it(`${name} (whole and byte by byte)`, () => {
      for (const r of [whole(input), feed(byteByByte(b(input)))]) {
        expect(r.done).toBe(false);
        if (typeof expected === 'string') expect(r.error).toBe(expected);
        else expect(r.error).toMatch(expected);
      }
    });
  }

  it('refuses a chunk extension longer than maxChunkExtBytes (whitespace included), accepts one at the limit', () => {
    const ext = `;${'a'.repeat(9)}`; // 10 bytes
    expect(whole(`1${ext}\r\nx\r\n0\r\n\r\n`, { maxChunkExtBytes: 10 })).toMatchObject({
      done: true,
      payload: 'x',
    });
    expect(whole(`1${ext}\r\nx\r\n0\r\n\r\n`, { maxChunkExtBytes: 9 }).error).toBe(
      'chunk extension too long',
    );
    expect(whole(`1 ${ext}\r\nx\r\n0\r\n\r\n`, { maxChunkExtBytes: 10 }).error).toBe(
      'chunk extension too long',
    );
    // The default (16 KiB) stops an endless extension however it arrives.
    expect(feed(byteByByte(b(`1;${'a'.repeat(17 * 1024)}`))).error).toBe('chunk extension too long');
    // The limit is per size line, not per message.
    const many = `${'1;aaaaaaaa\r\nx\r\n'.repeat(4)}0;aaaaaaaa\r\n\r\n`;
    expect(whole(many, { maxChunkExtBytes: 9 })).toMatchObject({ done: true, payload: 'xxxx' });
  });

  it('a size above Number.MAX_SAFE_INTEGER is refused (it could not be counted exactly)', () => {
    expect(whole('20000000000000\r\n').error).toBe('chunk size too large');
    expect(whole('fffffffffffffff\r\n').error).toBe('chunk size too large');
    const d = new ChunkedDecoder();
    expect(d.push(b('1fffffffffffff\r\nab'), 0)).toBe(18);
    expect(d.error).toBeNull();
  });

  it('15 hex digits are accepted as a size', () => {
    const d = new ChunkedDecoder();
    expect(d.push(b('00fffffffffffff\r\nab'), 0)).toBe(19);
    expect([d.error, d.payloadBytes]).toEqual([null, 2]);
  });

  it('refuses a trailer section over maxTrailerBytes, and accepts one at the limit', () => {
    const trailers = 'X-A: 12345\r\n\r\n';
    expect(whole(`0\r\n${trailers}`, { maxTrailerBytes: trailers.length })).toMatchObject({
      done: true,
      trailers,
    });
    expect(whole(`0\r\n${trailers}`, { maxTrailerBytes: trailers.length - 1 }).error).toBe(
      `trailer section larger than ${trailers.length - 1} bytes`,
    );
    expect(feed(byteByByte(b(`0\r\n${'X: y\r\n'.repeat(100)}`)), { maxTrailerBytes: 64 }).error).toMatch(
      /larger than 64/,
    );
  });

  it('consumes nothing after an error, and stops at the bad byte', () => {
    const d = new ChunkedDecoder();
    const out: string[] = [];
    const n = d.push(b('3\r\nabc\r\nzz\r\n'), 0, (data) => out.push(data.toString('latin1')));
    expect([n, d.error, out]).toEqual([8, 'invalid chunk size', ['abc']]);
    expect(d.push(b('0\r\n\r\n'), 0)).toBe(0);
    expect(d.error).toBe('invalid chunk size');
  });
});
