// Bytes from remote hosts (response bodies, headers, command output) and from
// arguments reach the terminal through the text reports, the live renderer,
// `lbdoctor probe` and error messages. A terminal obeys control sequences in
// them: ESC [ 2J clears the screen, OSC 52 writes the clipboard, a bare CR
// overwrites the line before it, bidi overrides reorder what is shown. Every
// such character is shown as an escape instead (`\x1b`), so what a host sent
// is what the operator reads. Newline and tab stay: they are layout. JSON
// output keeps them escaped as JSON escapes them (json.ts).

// C0 controls except \t (09) and \n (0a), DEL, C1 controls; and the Unicode
// bidirectional formatting characters ("Trojan Source", CVE-2021-42574).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching exactly these characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeControl(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\r') return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** The text with every control character but \n and \t shown as an escape; CRLF line ends become \n. */
export function visible(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, escapeControl);
}

/** A deep copy with visible() applied to every string (keys too). */
export function visibleDeep<T>(value: T): T {
  return mapStrings(value, visible) as T;
}

/** A deep copy with `f` applied to every string value and key. */
export function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[f(k)] = mapStrings(v, f);
    return out;
  }
  return value;
}

// C1 controls and the line/paragraph separators are legal raw in JSON text,
// and JSON.stringify leaves them raw: escape them too, the value is unchanged.
const JSON_RAW = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** JSON text with the characters a terminal would act on written as \u escapes (four hex digits). */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_RAW, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
