// hang() (wrap.ts) for plain text, without loading string-width and wrap-ansi:
// those two cost `lbdoctor list` about 30 ms of a 95 ms start (bench/startup),
// against a goal of 1.5× bare node. Plain means every character takes one
// column and there is nothing to measure: printable ASCII, Latin letters and
// common punctuation (— … ’ →), single spaces, no escape codes, no word wider
// than the room. For such text the output is hang()'s, line for line
// (test/unit/reporters/wrap-plain.test.ts); for anything else the caller uses
// hang().

/** The width reports are laid out for when nothing better is known. */
export const REPORT_WIDTH = 80;

/** Narrower than this, wrapping stops helping: long words would break into stubs. */
export const MIN_ROOM = 24;

const PLAIN = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u024f\u2010-\u2027\u2030-\u205e\u2190-\u21ff]*$/;

/**
 * `text` (one line) wrapped to `width` with `prefix` before the first line and
 * the rest indented under it, as hang(prefix, text, width) does; undefined
 * when the text is not plain.
 */
export function hangPlain(prefix: string, text: string, width: number): string[] | undefined {
  if (!PLAIN.test(prefix) || !PLAIN.test(text) || /^ | $| {2}/.test(text)) return undefined;
  const room = Math.max(MIN_ROOM, width - prefix.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word.length > room) return undefined;
    if (line === '') line = word;
    else if (line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line += ` ${word}`;
  }
  lines.push(line);
  const pad = ' '.repeat(prefix.length);
  return lines.map((l, i) => `${i === 0 ? prefix : pad}${l}`);
}
