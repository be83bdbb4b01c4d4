// One batched read per host (DESIGN.md "Probes and vantages"): every section a
// run needs goes into one read-only script sent on stdin to `sh -s`, so a host
// costs one round trip however many host probes a playbook runs. Each section
// is fenced by markers carrying a random token, in both stdout and stderr, with
// its own exit code: a missing command fails its section, never the batch.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LbdError } from '../errors.js';
import type { HostReader, SectionOutput, SectionRequest } from '../transport/types.js';
import { sectionKey } from '../transport/sections.js';
import { resolveSection } from './commands.js';
import { shellJoin, shellQuote } from './quote.js';
import type { CommandRunner } from './types.js';

/** Exit code recorded for a section whose end marker never arrived (cut off, never ran, not in evidence). */
export const NO_EXIT_CODE = -1;

export interface BatchScript {
  /** The fence token, e.g. `@@LBD-5f0c…@@`; random per script so no command output can forge it. */
  marker: string;
  sections: SectionRequest[];
  script: string;
}

function readingOf(r: SectionRequest): { reading?: string } {
  return r.reading ? { reading: r.reading } : {};
}

/** Deduplicates requests (same id and arguments) keeping first-seen order. */
export function dedupeSections(requests: readonly SectionRequest[]): SectionRequest[] {
  const seen = new Map<string, SectionRequest>();
  for (const r of requests) {
    const key = sectionKey(r);
    if (!seen.has(key)) seen.set(key, { id: r.id, args: [...(r.args ?? [])], ...readingOf(r) });
  }
  return [...seen.values()];
}

function sectionScript(marker: string, index: number, request: SectionRequest): string {
  const alternatives = resolveSection(request);
  const begin = shellQuote(`${marker} ${index} begin`);
  const end = shellQuote(`${marker} ${index} end`);
  const programs = alternatives.map((argv) => argv[0]!).join(', ');
  const branches = alternatives
    .map(
      (argv, i) =>
        `${i === 0 ? 'if' : 'elif'} command -v ${shellQuote(argv[0]!)} >/dev/null 2>&1; then ${shellJoin(argv)}`,
    )
    .join('\n');
  const missing = shellQuote(`lbdoctor: not installed on this host: ${programs}`);
  // stdin is /dev/null for every command: the script itself arrives on sh's stdin.
  return [
    `printf '%s\\n' ${begin}; printf '%s\\n' ${begin} >&2`,
    `{ ${branches}\nelse printf '%s\\n' ${missing} >&2; (exit 127); fi; } </dev/null`,
    'rc=$?',
    `printf '\\n%s %s\\n' ${end} "$rc"; printf '\\n%s %s\\n' ${end} "$rc" >&2`,
  ].join('\n');
}

/** Builds the one read-only script for a host from the section requests of a run. */
export function buildBatchScript(
  requests: readonly SectionRequest[],
  token = randomBytes(12).toString('hex'),
): BatchScript {
  const sections = dedupeSections(requests);
  const marker = `@@LBD-${token}@@`;
  const body = sections.map((s, i) => sectionScript(marker, i, s));
  // C locale for stable output; sbin on PATH so iptables-save, sysctl and ss are found for non-root logins.
  const prelude = ['LC_ALL=C; export LC_ALL', 'PATH="$PATH:/usr/sbin:/sbin"; export PATH'];
  return { marker, sections, script: `${[...prelude, ...body].join('\n')}\n` };
}

interface Fenced {
  text: string;
  exitCode: number;
  complete: boolean;
}

function fenced(stream: string, marker: string, index: number): Fenced | undefined {
  const begin = `${marker} ${index} begin\n`;
  let start = stream.startsWith(begin) ? 0 : stream.indexOf(`\n${begin}`);
  if (start < 0) return undefined;
  if (stream[start] === '\n') start += 1;
  start += begin.length;
  const endTag = `\n${marker} ${index} end `;
  const end = stream.indexOf(endTag, start);
  if (end < 0) return { text: stream.slice(start), exitCode: NO_EXIT_CODE, complete: false };
  const rcMatch = /^(-?\d+)/.exec(stream.slice(end + endTag.length));
  // The script prints "\n" before the end marker so a missing trailing newline cannot hide it; take that one back.
  return {
    text: stream.slice(start, end),
    exitCode: rcMatch ? Number(rcMatch[1]) : NO_EXIT_CODE,
    complete: true,
  };
}

/** Splits a batch's stdout and stderr back into one output per requested section. */
export function parseBatchOutput(
  batch: Pick<BatchScript, 'marker' | 'sections'>,
  stdout: string,
  stderr: string,
): SectionOutput[] {
  return batch.sections.map((request, i) => {
    const out = fenced(stdout, batch.marker, i);
    const err = fenced(stderr, batch.marker, i);
    const args = request.args ?? [];
    if (!out) {
      return {
        id: request.id,
        args,
        ...readingOf(request),
        exitCode: NO_EXIT_CODE,
        stdout: '',
        stderr: 'lbdoctor: this section did not run (the batched read stopped before it)',
      };
    }
    let errText = err?.text ?? '';
    if (!out.complete) {
      errText += `${errText && !errText.endsWith('\n') ? '\n' : ''}lbdoctor: output cut off before the section finished`;
    }
    return {
      id: request.id,
      args,
      ...readingOf(request),
      exitCode: out.exitCode,
      stdout: out.text,
      stderr: errText,
    };
  });
}

/** A batched read as kept for evidence: enough to parse it again offline. */
export interface BatchRecord {
  host: string;
  runner: string;
  marker: string;
  sections: SectionRequest[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

const EVIDENCE_HEADER = '#lbdoctor-evidence v1 ';

/**
 * Evidence text: per batched read, one JSON header line (host, marker,
 * sections, stream lengths) followed by the raw stdout and stderr exactly as
 * received, so a person can read it and --from-evidence can replay it.
 */
export function formatEvidence(records: readonly BatchRecord[]): string {
  return records
    .map((r) => {
      const { stdout, stderr, ...meta } = r;
      const header = JSON.stringify({ ...meta, stdoutLength: stdout.length, stderrLength: stderr.length });
      return `${EVIDENCE_HEADER}${header}\n${stdout}${stderr}\n`;
    })
    .join('');
}

export function parseEvidence(text: string, file = 'evidence'): BatchRecord[] {
  const records: BatchRecord[] = [];
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    if (!text.startsWith(EVIDENCE_HEADER, pos)) {
      throw new LbdError('LBD_ERR_FILE', `${file}:${line}: not an lbdoctor evidence record`, {
        problems: [{ file, line, message: 'expected an evidence header', expected: EVIDENCE_HEADER.trim() }],
        hint: 'evidence files are written by --save-evidence DIR',
      });
    }
    const nl = text.indexOf('\n', pos);
    let meta: Omit<BatchRecord, 'stdout' | 'stderr'> & { stdoutLength: number; stderrLength: number };
    try {
      meta = JSON.parse(text.slice(pos + EVIDENCE_HEADER.length, nl < 0 ? undefined : nl));
    } catch (cause) {
      throw new LbdError('LBD_ERR_FILE', `${file}:${line}: evidence header is not valid JSON`, { cause });
    }
    const start = nl + 1;
    const stdout = text.slice(start, start + meta.stdoutLength);
    const stderr = text.slice(start + meta.stdoutLength, start + meta.stdoutLength + meta.stderrLength);
    const { stdoutLength, stderrLength, ...rest } = meta;
    records.push({ ...rest, stdout, stderr });
    const next = start + stdoutLength + stderrLength + 1;
    line += text.slice(pos, next).split('\n').length - 1;
    pos = next;
  }
  return records;
}

/** A file name for a host that cannot escape DIR: "ssh://root@10.0.0.2:22" → "ssh___root_10.0.0.2_22". */
export function evidenceFileName(host: string): string {
  return `${host.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_'}.evidence.txt`;
}

/** --save-evidence DIR: writes a host's raw batched read(s). */
export async function saveEvidence(dir: string, host: string, raw: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, evidenceFileName(host));
  await writeFile(path, raw, { encoding: 'utf8', mode: 0o600 });
  return path;
}

export interface BatchHostReader extends HostReader {
  /** Evidence text of every read so far (see formatEvidence). */
  readonly raw: string;
  readonly records: readonly BatchRecord[];
}

function answer(
  cache: Map<string, SectionOutput>,
  requests: readonly SectionRequest[],
  why: string,
): SectionOutput[] {
  return requests.map(
    (r) =>
      cache.get(sectionKey(r)) ?? {
        id: r.id,
        args: r.args ?? [],
        ...readingOf(r),
        exitCode: NO_EXIT_CODE,
        stdout: '',
        stderr: why,
      },
  );
}

/**
 * The HostReader a run uses: one batched `sh -s` per host, memoised. A second
 * read asks the host only for sections not read yet. A runner failure
 * (unreachable host, timeout) rejects; the engine turns it into `error`
 * observations for the probes that needed the host.
 */
export function createBatchReader(
  runner: CommandRunner,
  options: { host: string; timeoutMs?: number },
): BatchHostReader {
  const cache = new Map<string, SectionOutput>();
  const records: BatchRecord[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const readMissing = async (requests: readonly SectionRequest[], signal: AbortSignal) => {
    const missing = dedupeSections(requests).filter((r) => !cache.has(sectionKey(r)));
    if (missing.length === 0) return;
    const batch = buildBatchScript(missing);
    const result = await runner.run(['sh', '-s'], {
      input: batch.script,
      signal,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    records.push({
      host: options.host,
      runner: runner.name,
      marker: batch.marker,
      sections: batch.sections,
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
    });
    for (const out of parseBatchOutput(batch, result.stdout, result.stderr)) cache.set(sectionKey(out), out);
  };
  return {
    host: options.host,
    get raw() {
      return formatEvidence(records);
    },
    records,
    read(requests, signal) {
      try {
        for (const r of requests) resolveSection(r); // bad arguments are bad input: refuse before touching the host
      } catch (err) {
        return Promise.reject(err);
      }
      const run = queue.then(() => readMissing(requests, signal));
      queue = run.catch(() => undefined);
      return run.then(() => answer(cache, requests, 'lbdoctor: section missing from the batched read'));
    },
  };
}

/** --from-evidence DIR: a HostReader answering from a saved evidence file, for offline replays. */
export async function createEvidenceReader(dir: string, host: string): Promise<BatchHostReader> {
  const path = join(dir, evidenceFileName(host));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new LbdError('LBD_ERR_FILE', `cannot read evidence for host "${host}" at ${path}`, {
      cause,
      problems: [{ file: path, message: (cause as Error).message }],
      hint: 'save evidence first with --save-evidence DIR, using the same host names',
    });
  }
  const records = parseEvidence(text, path);
  const cache = new Map<string, SectionOutput>();
  for (const record of records) {
    for (const out of parseBatchOutput(record, record.stdout, record.stderr)) cache.set(sectionKey(out), out);
  }
  return {
    host,
    raw: text,
    records,
    async read(requests) {
      return answer(cache, requests, `lbdoctor: this section was not captured in ${path}`);
    },
  };
}
