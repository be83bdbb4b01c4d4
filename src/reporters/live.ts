// Progress while the engine walks (EngineEvent → lines on stderr), so an
// operator watching a slow SSH read sees which step is running. On a TTY one
// status line at the bottom is rewritten in place with what is still running;
// finished steps are printed above it as permanent lines. Off a TTY (CI logs,
// pipes) every event is one plain line and nothing is ever rewritten.
import { Chalk } from 'chalk';
import type { EngineEvent } from '../engine/events.js';
import type { Subject } from '../engine/result.js';
import type { Outcome } from '../probes/types.js';
import { formatDuration, subjectKey, subjectLabel } from './format.js';
import { redactText, type Secrets, toSecretSet } from './redact.js';
import { visible } from './visible.js';

export interface LiveStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface LiveOptions {
  color: boolean;
  /**
   * The run's secrets, kept out of every line. Pass the run's SecretSet itself:
   * it grows as probes render their parameters, and each line uses it as it is then.
   */
  secrets?: Secrets;
}

const CLEAR_LINE = '\r\u001b[2K';

export function createLiveRenderer(stream: LiveStream, options: LiveOptions): (event: EngineEvent) => void {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const tty = stream.isTTY === true;
  const secrets = toSecretSet(options.secrets);
  // What hosts sent (summaries, errors, rendered titles) and what the inventory
  // says: no secret, and no control sequence for the terminal to act on.
  const say = (text: string) => visible(redactText(text, secrets));
  /** Steps started and not yet finished, in start order: key → display title. */
  const running = new Map<string, string>();
  let statusShown = false;

  const outcomeText = (o: Outcome) => {
    const word = o.toUpperCase().padEnd(5);
    return o === 'pass'
      ? c.green(word)
      : o === 'fail'
        ? c.red(word)
        : o === 'error'
          ? c.magenta(word)
          : c.gray(word);
  };
  const who = (s: Subject | undefined) => (s ? ` ${c.dim(`[${say(subjectLabel(s))}]`)}` : '');
  const key = (step: string, s: Subject | undefined) => `${step}\u0000${subjectKey(s)}`;

  function status(): string {
    const titles = [...running.values()];
    if (titles.length === 0) return '';
    const more = titles.length > 1 ? ` (+${titles.length - 1} more)` : '';
    const line = `… ${titles[0]}${more}`;
    const width = stream.columns ?? 80;
    // Never wrap: a wrapped status line cannot be cleared with one \r.
    return line.length > width - 1 ? `${line.slice(0, Math.max(0, width - 2))}…` : line;
  }

  function emit(permanent: string | undefined): void {
    if (!tty) {
      if (permanent !== undefined) stream.write(`${permanent}\n`);
      return;
    }
    let out = statusShown ? CLEAR_LINE : '';
    if (permanent !== undefined) out += `${permanent}\n`;
    const s = status();
    out += c.dim(s);
    statusShown = s !== '';
    if (out !== '') stream.write(out);
  }

  return (event) => {
    switch (event.type) {
      case 'run-start':
        emit(c.bold(say(`${event.playbook}: ${event.title}`)));
        break;
      case 'step-start': {
        const title = say(event.title + (event.subject ? ` [${subjectLabel(event.subject)}]` : ''));
        running.set(key(event.step, event.subject), title);
        // On a TTY the status line shows it; a log gets one line per start.
        emit(tty ? undefined : `start ${say(event.step)}: ${title}`);
        break;
      }
      case 'step-finish': {
        if (!event.item) running.delete(key(event.step, event.subject));
        const title = say(event.title);
        const summary = say(event.summary);
        emit(
          `${outcomeText(event.outcome)} ${title}${who(event.subject)}: ${summary} ${c.dim(`(${formatDuration(event.durationMs)})`)}`,
        );
        break;
      }
      case 'host-ready': {
        const timing = [
          event.connectMs !== undefined ? `connect ${formatDuration(event.connectMs)}` : '',
          event.readMs !== undefined ? `read ${formatDuration(event.readMs)}` : '',
        ]
          .filter(Boolean)
          .join(', ');
        const error = event.error ? ` ${c.magenta(`error: ${say(event.error)}`)}` : '';
        emit(`host  ${say(event.host)}${timing ? ` ${c.dim(timing)}` : ''}${error}`);
        break;
      }
      case 'finding': {
        const f = event.finding;
        const mark =
          f.severity === 'error' ? c.red('✖') : f.severity === 'warn' ? c.yellow('▲') : c.blue('ℹ');
        emit(`${mark} ${say(f.title)}${who(f.subject)} ${c.dim(`[${say(f.code)}]`)}`);
        break;
      }
      case 'run-finish':
        running.clear();
        emit(
          c.dim(
            `done in ${formatDuration(event.durationMs)}${event.interrupted ? ' (interrupted: partial results)' : ''}`,
          ),
        );
        break;
    }
  };
}
