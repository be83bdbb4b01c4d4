// Fitting report text to the terminal (80 columns when piped or written to a
// file). wrap-ansi measures what a terminal shows: colour codes take no room,
// wide characters take two.
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { MIN_ROOM, REPORT_WIDTH } from './wrap-plain.js';

export { REPORT_WIDTH };

/**
 * `text` (which may hold several lines) wrapped to `width` columns: `prefix`
 * before the first line, each further line indented under the text. A word
 * longer than the room left is broken rather than overflowing.
 */
export function hang(
  prefix: string,
  text: string,
  width: number,
  indent = stringWidth(prefix),
  breakWords = true,
): string[] {
  const room = Math.max(MIN_ROOM, width - indent);
  const pad = ' '.repeat(indent);
  // A prefix wider than the indent leaves less room on the first line: hold
  // that room with placeholder characters glued to the first word.
  const lead = Math.max(0, stringWidth(prefix) - indent);
  const lines = text.split('\n').flatMap((paragraph, i) =>
    wrapAnsi(i === 0 ? `${PLACEHOLDER.repeat(lead)}${paragraph}` : paragraph, room, {
      hard: breakWords,
    }).split('\n'),
  );
  lines[0] = (lines[0] ?? '').slice(lead);
  return lines.map((line, i) => `${i === 0 ? prefix : pad}${line}`);
}

const PLACEHOLDER = 'x';

/**
 * A shell command wrapped to `width` the way a person would type it: each
 * broken line ends with ` \` so that a paste still runs one command. Words
 * are never broken (the shell would split them).
 */
export function hangCommand(prefix: string, command: string, width: number): string[] {
  if (command.includes('\n') || stringWidth(prefix) + stringWidth(command) <= width)
    return hang(prefix, command, width);
  const lines = hang(prefix, command, width - 2, stringWidth(prefix), false);
  return lines.map((l, i) => (i < lines.length - 1 ? `${l} \\` : l));
}
