// Strict, incremental chunked transfer coding (RFC 9112 7.1) for request bodies
// from clients and response bodies from backends. Chunk framing is where
// request smuggling lives (a bare LF or an oversized size read differently by
// the next hop), so every byte of a size line and trailer is checked and any
// doubt ends the message with an error: the caller answers 400 to a client or
// 502 for a backend (FAQ 1.5). Payload bytes are handed out as slices of the
// caller's buffer, never copied.

import { TCHAR } from './request-head.js';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const SEMI = 0x3b;
const COLON = 0x3a;

/** At most 15 hex digits on the wire (leading zeros included), as llhttp-style parsers bound it; the value itself must
 *  also stay at or below Number.MAX_SAFE_INTEGER so the count of bytes to read is exact. */
const MAX_SIZE_DIGITS = 15;

enum State {
  SizeFirst, // expecting the first hex digit of a chunk size
  Size, // more hex digits, BWS, ';' or CR
  SizeBws, // whitespace after the size: only more whitespace or ';' may follow
  Ext, // chunk-ext bytes until CR
  SizeLf, // LF after the size line's CR
  Data, // chunk payload
  DataCr, // CR after chunk data
  DataLf, // LF after chunk data
  TrailerLineStart, // a trailer field name or the final empty line
  TrailerName,
  TrailerValue,
  TrailerLf, // LF after a trailer line's CR
  FinalLf, // LF of the final empty line
  Done,
  Failed,
}

/** Hex digit value, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

function isCtl(c: number): boolean {
  return (c < SP && c !== HT) || c === 0x7f;
}

/** Incremental, strict chunked-body decoder (RFC 9112 7.1) for both directions. */
export class ChunkedDecoder {
  private state: State = State.SizeFirst;
  private sizeDigits = 0;
  private remaining = 0;
  private trailerBytes = 0;
  private readonly maxTrailerBytes: number;
  private readonly maxChunkExtBytes: number;
  private extBytes = 0;
  private trailerParts: Buffer[] = [];
  private sawTrailerField = false;
  private _error: string | null = null;
  private _payloadBytes = 0;

  constructor(opts?: {
    maxTrailerBytes?: number /* default 64 KiB */;
    /** Longest chunk extension (after the size) on one size line; default 16 KiB, Node's limit since CVE-2024-22019. */
    maxChunkExtBytes?: number;
  }) {
    this.maxTrailerBytes = opts?.maxTrailerBytes ?? 64 * 1024;
    this.maxChunkExtBytes = opts?.maxChunkExtBytes ?? 16 * 1024;
  }

  /** last-chunk and trailer section (and its final CRLF) consumed */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** set once; after an error push consumes nothing */
  get error(): string | null {
    return this._error;
  }

  /** total payload so far */
  get payloadBytes(): number {
    return this._payloadBytes;
  }

  /**
   * The trailer section as received (raw bytes incl. lines and final CRLF), for pass-through; empty when none.
   * So a proxy writes "0\r\n" then these bytes, or "0\r\n\r\n" when this is empty.
   */
  get trailers(): Buffer {
    if (!this.sawTrailerField) return Buffer.alloc(0);
    if (this.trailerParts.length > 1) this.trailerParts = [Buffer.concat(this.trailerParts)];
    return this.trailerParts[0] ?? Buffer.alloc(0);
  }

  private fail(reason: string): void {
    this._error = reason;
    this.state = State.Failed;
  }

  /** Feeds bytes from buf[offset..]. Calls onData(slice) for each run of payload bytes (slices of buf, no copies).
   *  Returns the number of bytes consumed; fewer than available only when the message ended (done = true:
   *  the rest belongs to the next message) or on error. */
  push(buf: Buffer, offset: number, onData?: (data: Buffer) => void): number {
    const len = buf.length;
    let i = offset;
    // Start of the trailer bytes seen in this call (kept for pass-through), -1 when none.
    let trailerStart = this.state >= State.TrailerLineStart && this.state <= State.FinalLf ? i : -1;
    while (i < len) {
      const state = this.state;
      if (state === State.Data) {
        const avail = len - i;
        const n = Math.min(avail, this.remaining);
        onData?.(buf.subarray(i, i + n));
        this._payloadBytes += n;
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.state = State.DataCr;
        continue;
      }
      if (state === State.Done || state === State.Failed) break;
      const c = buf[i]!;
      switch (state) {
        case State.SizeFirst: {
          const h = hexValue(c);
          if (h < 0) {
            this.fail(c === LF ? 'chunk line ending in bare LF' : 'invalid chunk size');
            break;
          }
          this.remaining = h;
          this.sizeDigits = 1;
          this.state = State.Size;
          break;
        }
        case State.Size: {
          const h = hexValue(c);
          if (h >= 0) {
            if (++this.sizeDigits > MAX_SIZE_DIGITS) {
              this.fail('chunk size too large');
              break;
            }
            this.remaining = this.remaining * 16 + h;
            // An inexact size would make us cut the body where the next hop does not: refuse it.
            if (this.remaining > Number.MAX_SAFE_INTEGER) this.fail('chunk size too large');
          } else if (c === CR) this.state = State.SizeLf;
          else if (c === SEMI) {
            this.extBytes = 1; // the ';' or the first BWS byte counts
            this.state = State.Ext;
          } else if (c === SP || c === HT) {
            this.extBytes = 1; // the ';' or the first BWS byte counts
            this.state = State.SizeBws;
          } else this.fail(c === LF ? 'chunk line ending in bare LF' : 'invalid chunk size');
          break;
        }
        case State.SizeBws:
          // RFC 9112 7.1.1: BWS is only allowed before the ';' of an extension.
          if (c !== SEMI && c !== SP && c !== HT) this.fail('invalid chunk size');
          else if (++this.extBytes > this.maxChunkExtBytes) this.fail('chunk extension too long');
          else if (c === SEMI) this.state = State.Ext;
          break;
        case State.Ext:
          // Extensions are not understood, only passed over; their bytes must still be sane, and
          // bounded, or a peer could keep a connection busy on one endless size line.
          if (c === CR) this.state = State.SizeLf;
          else if (++this.extBytes > this.maxChunkExtBytes) this.fail('chunk extension too long');
          else if (c === LF) this.fail('chunk line ending in bare LF');
          else if (isCtl(c)) this.fail('control byte in chunk extension');
          break;
        case State.SizeLf:
          if (c !== LF) {
            this.fail('bare CR in chunk line');
            break;
          }
          if (this.remaining === 0) {
            this.state = State.TrailerLineStart;
            trailerStart = i + 1;
          } else this.state = State.Data;
          break;
        case State.DataCr:
          if (c === CR) this.state = State.DataLf;
          else this.fail('missing CRLF after chunk data');
          break;
        case State.DataLf:
          if (c === LF) this.state = State.SizeFirst;
          else this.fail('missing CRLF after chunk data');
          break;
        case State.TrailerLineStart:
          if (c === CR) this.state = State.FinalLf;
          else if (TCHAR[c] === 1) {
            this.sawTrailerField = true;
            this.state = State.TrailerName;
          } else if (c === SP || c === HT) this.fail('obs-fold in trailer section');
          else if (c === LF) this.fail('trailer line ending in bare LF');
          else this.fail('invalid character in trailer field name');
          break;
        case State.TrailerName:
          if (c === COLON) this.state = State.TrailerValue;
          else if (TCHAR[c] !== 1) {
            if (c === SP || c === HT) this.fail('space before the colon in a trailer field');
            else if (c === CR || c === LF) this.fail('trailer line without a colon');
            else this.fail('invalid character in trailer field name');
          }
          break;
        case State.TrailerValue:
          // Trailers get no later semantic check, so they are held to the response rule: no CTL but HT.
          if (c === CR) this.state = State.TrailerLf;
          else if (c === LF) this.fail('trailer line ending in bare LF');
          else if (isCtl(c)) this.fail('control byte in trailer field value');
          break;
        case State.TrailerLf:
          if (c === LF) this.state = State.TrailerLineStart;
          else this.fail('bare CR in trailer section');
          break;
        case State.FinalLf:
          if (c === LF) this.state = State.Done;
          else this.fail('bare CR in trailer section');
          break;
      }
      if (this.state === State.Failed) break;
      i++;
      if (state >= State.TrailerLineStart && ++this.trailerBytes > this.maxTrailerBytes) {
        this.fail(`trailer section larger than ${this.maxTrailerBytes} bytes`);
        break;
      }
    }
    if (trailerStart !== -1 && this.sawTrailerField && this.state !== State.Failed && i > trailerStart) {
      // Copied: the caller may reuse its buffer before the trailers are forwarded.
      this.trailerParts.push(Buffer.from(buf.subarray(trailerStart, i)));
    }
    return i - offset;
  }
}
