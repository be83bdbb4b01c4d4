// Whether the terminal reporters may print ANSI colours. The CLI calls this
// once per stream and passes the answer down as ReportContext.color; reporters
// themselves never look at the environment.
//
// Rules, in order (the same precedence Node's own tty.getColorDepth uses):
//  1. FORCE_COLOR set: "0"/"false" → no colour, anything else ("", "1"–"3", "true") → colour.
//  2. NO_COLOR set to a non-empty value → no colour (https://no-color.org).
//  3. TERM=dumb → no colour.
//  4. Otherwise colour only when the stream is a TTY.

export interface MaybeTty {
  isTTY?: boolean;
}

export function shouldUseColor(stream: MaybeTty, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
