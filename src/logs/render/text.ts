// The terminal report of `lbdoctor logs`: findings first (what an on-call
// person acts on), then who answered (FAQ 1.5, 7.8), the picture over time,
// latency, members, paths, retries and the 499 analysis (FAQ 7.9). Fits the
// given width; colour and Unicode blocks only when asked (a TTY without
// NO_COLOR), plain ASCII otherwise.
import { Chalk } from 'chalk';
import type { LogSummary } from '../summary.js';
import { bar, resample, sparkline } from '../../charts/terminal.js';
import { bucketLabel, clock, human, memberLabel, num, pct, period, sec, spansDays } from './format.js';

export interface TextOptions {
  /** Columns to fit (process.stdout.columns, or 80 when piped). */
  width: number;
  /** Colour and Unicode blocks; plain ASCII when false. */
  color: boolean;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
function lpad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}
function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}~`;
}

/** Words wrapped to `width`, every line after the first indented by `indent`. */
function wrap(text: string, width: number, first: string, indent: string): string[] {
  const out: string[] = [];
  let line = first;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > width && line.trim() !== '' && line !== first) {
      out.push(line.trimEnd());
      line = indent;
    }
    line += (line === first || line === indent ? '' : ' ') + word;
  }
  out.push(line.trimEnd());
  return out;
}

export function renderLogsText(s: LogSummary, options: TextOptions): string {
  const width = Math.max(60, Math.floor(options.width));
  const unicode = options.color;
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const head = (t: string) => c.bold(t);
  const dim = (t: string) => c.dim(t);
  const days = spansDays(s);
  const out: string[] = [];
  const dash = unicode ? '–' : '-';
  const arrow = unicode ? '→' : '->';

  // What was read.
  const files =
    s.files.length === 0 ? '' : s.files.length === 1 ? ' in 1 file' : ` in ${s.files.length} files`;
  const when =
    s.time.first && s.time.last
      ? `, ${s.time.first.slice(0, 10)} ${s.time.first.slice(11, 19)} ${arrow} ${days ? `${s.time.last.slice(0, 10)} ` : ''}${s.time.last.slice(11, 19)} ${s.time.offset}`
      : '';
  out.push(head(`lbdoctor logs: ${num(s.lines.records)} requests${files}`));
  if (when) out.push(`  ${when.slice(2)}`);
  if (s.lines.records === 0) {
    out.push('  no access-log lines found');
    return `${out.join('\n')}\n`;
  }
  if (s.badLines.count > 0) {
    out.push(
      c.yellow(
        `  ${num(s.badLines.count)} bad ${s.badLines.count === 1 ? 'line' : 'lines'} skipped (${pct(s.badLines.count / Math.max(1, s.lines.total))} of ${num(s.lines.total)}); the first:`,
      ),
    );
    for (const b of s.badLines.samples) {
      out.push(cut(`    ${b.file}:${b.line}  ${b.field ? `${b.field}: ` : ''}${b.message}`, width));
    }
  }

  if (s.findings.length > 0) {
    out.push('', head('FINDINGS'));
    for (const f of s.findings) {
      const mark = f.severity === 'warn' ? c.yellow('!') : c.blue('i');
      const text = `${f.message} (FAQ ${f.faq.join(', ')}) [${f.id}]`;
      const lines = wrap(text, width, '    ', '      ');
      lines[0] = `  ${mark} ${lines[0]!.slice(4)}`;
      out.push(...lines);
    }
  }

  // Who answered.
  out.push('', head('STATUS CODES') + dim('  who answered each line: FAQ 1.5, 7.8'));
  out.push(
    `  ${lpad('code', 4)}  ${lpad('lines', 11)}  ${lpad('share', 6)}  ${lpad('load balancer', 13)}  ${lpad('backend', 11)}`,
  );
  const shown = s.status.codes.slice(0, 14);
  for (const code of shown) {
    const colour =
      code.code >= 500
        ? c.red
        : code.code === 499
          ? c.magenta
          : code.code >= 400
            ? c.yellow
            : (t: string) => t;
    out.push(
      `  ${colour(lpad(String(code.code), 4))}  ${lpad(num(code.count), 11)}  ${lpad(pct(code.share), 6)}  ${lpad(num(code.loadBalancer), 13)}  ${lpad(num(code.backend), 11)}`,
    );
  }
  if (s.status.codes.length > shown.length)
    out.push(dim(`  … ${s.status.codes.length - shown.length} more codes (--format json lists them all)`));
  const total = s.lines.records;
  out.push(
    `  answered by the load balancer ${num(s.status.answeredBy.loadBalancer)} (${pct(s.status.answeredBy.loadBalancer / total)}), by backends ${num(s.status.answeredBy.backend)} (${pct(s.status.answeredBy.backend / total)})`,
  );
  out.push(dim('  how each line was classified (the first rule that matches):'));
  for (const r of s.status.rules) {
    const who = r.answeredBy === 'backend' ? 'backend' : 'LB';
    const prefix = `    ${pad(r.id, 18)} ${lpad(num(r.count), 11)}  ${pad(who, 7)} `;
    out.push(prefix + dim(cut(r.short, Math.max(10, width - prefix.length))));
  }

  // Over time.
  const windows = s.timeline.windows;
  if (windows.length > 1) {
    const label = 10;
    const suffix = 30;
    const columns = Math.max(10, width - label - suffix - 4);
    const series = (k: keyof (typeof windows)[number]['counts']) => windows.map((w) => w.counts[k]);
    const lines = resample(series('lines'), columns);
    const colSeconds = s.timeline.windowSeconds * lines.per;
    const first = windows[0]!.start;
    const last = windows[windows.length - 1]!.start;
    out.push(
      '',
      head('OVER TIME') +
        dim(
          `  ${clock(first, days)} ${arrow} ${clock(last, days)}, one column = ${period(colSeconds)}; 4xx without 499`,
        ),
    );
    const row = (
      name: string,
      k: keyof (typeof windows)[number]['counts'],
      paint: (t: string) => string,
      note = '',
    ) => {
      const r = resample(series(k), columns);
      const max = Math.max(0, ...r.values);
      const at = r.values.indexOf(max);
      const from = windows[at * r.per]?.start;
      const span = from && k !== 'lines' ? ` at ${clock(from, days)}` : '';
      const peak = max > 0 ? `peak ${num(max)}${span}` : 'none';
      out.push(
        `  ${pad(name, label - 2)}${unicode ? '' : '|'}${paint(sparkline(r.values, unicode))}${unicode ? '' : '|'}  ${dim(peak + note)}`,
      );
    };
    row('lines', 'lines', (t) => t);
    row('2xx', '2xx', c.green);
    row('3xx', '3xx', (t) => t);
    row('4xx', '4xx', c.yellow);
    row('499', '499', c.magenta);
    row('5xx', '5xx', c.red);
    row('by LB', 'loadBalancer', c.cyan);
    row('retried', 'retried', (t) => t);
    for (const code of ['499', '5xx'] as const) {
      const b = s.bursts[code];
      for (const x of b.bursts.slice(0, 3)) {
        out.push(
          `  ${code} burst ${clock(x.start, days)}${dash}${clock(x.end)}: ${num(x.count)} of ${num(x.lines)} lines (${pct(x.share)}), worst ${period(s.bursts.windowSeconds)} at ${clock(x.peak.start)}: ${num(x.peak.count)}`,
        );
      }
      if (b.bursts.length === 0 && b.worstWindows.length > 0) {
        const w = b.worstWindows
          .map((x) => `${clock(x.start, days)} ${num(x.count)} (${pct(x.share)})`)
          .join(', ');
        out.push(`  no ${code} burst; worst ${period(s.bursts.windowSeconds)} windows: ${w}`);
      }
    }
  }

  // Latency.
  const lat = s.latency;
  out.push('', head('LATENCY') + dim('  seconds; upstream times per try (FAQ 3.8)'));
  const withCount = width >= 76;
  out.push(
    `  ${pad('', 24)}${['p50', 'p90', 'p99', 'max'].map((h) => lpad(h, 9)).join('')}${withCount ? lpad('count', 12) : ''}`,
  );
  const latRow = (name: string, p: LogSummary['latency']['requestTime'], f = sec) =>
    out.push(
      `  ${pad(name, 24)}${[p.p50, p.p90, p.p99, p.max].map((v) => lpad(f(v), 9)).join('')}${withCount ? lpad(num(p.count), 12) : ''}`,
    );
  latRow('request_time', lat.requestTime);
  latRow('upstream_connect_time', lat.upstreamConnectTime);
  latRow('upstream_header_time', lat.upstreamHeaderTime);
  latRow('upstream_response_time', lat.upstreamResponseTime);
  latRow('tcpinfo_rtt (ms)', lat.tcpinfoRttMs, (v) => (v === null ? '-' : v.toFixed(1)));
  const hist = lat.histograms.requestTime;
  const firstUsed = hist.findIndex((h) => h.count > 0);
  const lastUsed = hist.length - 1 - [...hist].reverse().findIndex((h) => h.count > 0);
  if (firstUsed >= 0) {
    out.push(dim('  request_time histogram'));
    const edges = hist.map((h) => h.le);
    const max = Math.max(...hist.map((h) => h.count));
    const barWidth = Math.max(10, width - 12 - 22);
    for (let i = firstUsed; i <= lastUsed; i++) {
      const h = hist[i]!;
      out.push(
        `  ${pad(bucketLabel(i, edges, unicode), 10)} ${c.cyan(pad(bar(h.count, max, barWidth, unicode), barWidth))} ${lpad(num(h.count), 10)} ${lpad(pct(h.count / total), 6)}`,
      );
    }
  }

  // Members.
  const members = s.members.list.filter((m) => m.attempts > 0);
  if (members.length > 0) {
    out.push('', head('MEMBERS') + dim('  slowest first, by p99 upstream_response_time'));
    const nameWidth = Math.min(28, Math.max(...members.map((m) => memberLabel(m).length)));
    const maxP99 = Math.max(...members.map((m) => m.upstreamResponseTime.p99 ?? 0));
    const rows = members.slice(0, 12).map((m) => {
      const answered = m.attempts - m.noStatus - m.abandoned;
      const fiveXX = answered > 0 ? m.status['5xx'] / answered : 0;
      const stats = [
        `${num(m.attempts)} tries`,
        `5xx ${pct(fiveXX)}`,
        ...(m.noStatus > 0 ? [`no status ${num(m.noStatus)}`] : []),
        ...(m.abandoned > 0 ? [`left by 499 ${num(m.abandoned)}`] : []),
      ].join(', ');
      return {
        m,
        stats,
        prefix: `  ${pad(cut(memberLabel(m), nameWidth), nameWidth)}  ${lpad(human(m.upstreamResponseTime.p99), 9)}  `,
      };
    });
    const statsWidth = Math.max(...rows.map((r) => r.stats.length));
    // Narrow: the numbers go on a line of their own under the bar.
    const oneLine = (rows[0]?.prefix.length ?? 0) + 1 + 12 + statsWidth <= width;
    for (const { m, stats, prefix } of rows) {
      const barWidth = oneLine
        ? Math.max(12, Math.min(40, width - prefix.length - 1 - statsWidth))
        : Math.max(8, Math.min(40, width - prefix.length));
      const b = bar(m.upstreamResponseTime.p99 ?? 0, maxP99, barWidth, unicode);
      const drawn = c.cyan(oneLine ? pad(b, barWidth) : b);
      if (oneLine) out.push(`${prefix}${drawn} ${stats}`);
      else out.push(`${prefix}${drawn}`.trimEnd(), `      ${stats}`);
    }
    if (members.length > 12) out.push(dim(`  … ${members.length - 12} more`));
  }

  // Paths.
  if (s.paths.slowest.length > 0) {
    out.push(
      '',
      head('SLOWEST PATHS') +
        dim(
          `  p99 request_time, paths with ≥ ${s.paths.minCount} lines; ids shown as {id}`.replace(
            '≥',
            unicode ? '≥' : '>=',
          ),
        ),
    );
    const wide = width >= 80;
    const pathWidth = Math.max(14, width - 2 - (wide ? 4 : 3) * 9 - 11);
    out.push(
      `  ${pad('path', pathWidth)}${['p50', 'p99', '5xx', ...(wide ? ['499'] : [])].map((h) => lpad(h, 9)).join('')}${lpad('lines', 11)}`,
    );
    for (const p of s.paths.slowest.slice(0, 8)) {
      out.push(
        `  ${pad(cut(p.path, pathWidth), pathWidth)}${lpad(human(p.requestTime.p50), 9)}${lpad(human(p.requestTime.p99), 9)}${lpad(num(p['5xx']), 9)}${wide ? lpad(num(p['499']), 9) : ''}${lpad(num(p.count), 11)}`,
      );
    }
    if (s.paths.truncated)
      out.push(
        dim(`  (more than ${num(s.paths.distinct)} distinct paths: the rest are counted as "(other)")`),
      );
  }

  // Retries.
  const rt = s.retries;
  out.push('', head('RETRIES') + dim('  lines with several upstream values (FAQ 3.8)'));
  if (rt.lines === 0) out.push('  none: every request went to one backend');
  else {
    const ended = Object.entries(rt.endedIn)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${num(n)}`)
      .join(', ');
    out.push(`  ${num(rt.lines)} lines (${pct(rt.share)}) tried more than one backend; they ended ${ended}`);
    const name = (addr: string) => {
      const m = s.members.list.find((x) => x.address === addr);
      return m?.name ? `${m.name}` : addr;
    };
    const routes = rt.routes
      .slice(0, 4)
      .map((r) => `${name(r.from)} ${arrow} ${name(r.to)} ${num(r.count)}`)
      .join(', ');
    if (routes) out.push(cut(`  first ${arrow} last try: ${routes}`, width));
  }

  // 499s.
  const cc = s.clientClosed;
  out.push('', head('499: CLIENTS THAT CLOSED FIRST') + dim('  FAQ 7.9'));
  if (cc.count === 0) out.push('  none');
  else {
    out.push(
      `  ${num(cc.count)} lines (${pct(cc.share)}): waiting for the backend ${num(cc.waitingForBackend)}, during the response ${num(cc.duringResponse)}, before any backend ${num(cc.beforeUpstream)}`,
    );
    out.push(
      `  request_time p50 ${human(cc.requestTime.p50)}, p90 ${human(cc.requestTime.p90)}; upstream_response_time p50 ${human(cc.upstreamResponseTime.p50)}; tcpinfo_rtt p50 ${cc.tcpinfoRttMs.p50 ?? '-'} ms (all lines ${lat.tcpinfoRttMs.p50 ?? '-'} ms)`,
    );
    if (cc.clientTimeoutSeconds !== null) {
      out.push(
        `  most give up after ≈${cc.clientTimeoutSeconds} s: a client-side timeout`.replace(
          '≈',
          unicode ? '≈' : '~',
        ),
      );
    }
    if (cc.waitingOn.length > 0) {
      out.push(
        cut(
          `  waiting on: ${cc.waitingOn
            .slice(0, 4)
            .map((w) => `${w.name ?? w.address} ${num(w.count)}`)
            .join(', ')}`,
          width,
        ),
      );
    }
  }

  // Health checks.
  const hc = s.healthChecks;
  out.push('', head('HEALTH CHECKS') + dim('  FAQ 2.7'));
  out.push(
    ...wrap(
      `${num(hc.count)} lines (${pct(hc.share)}) look like health checks. Rule: ${hc.rule}.`,
      width,
      '  ',
      '  ',
    ),
  );
  const text = `${fitWidth(out, width).join('\n')}\n`;
  return unicode ? text : toAscii(text);
}

/** Long plain lines wrapped at words, continuing two columns further in (coloured lines are laid out to fit). */
function fitWidth(lines: string[], width: number): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.length <= width || l.includes('\x1b[')) {
      out.push(l);
      continue;
    }
    const indent = ' '.repeat(l.length - l.trimStart().length + 2);
    out.push(...wrap(l.trimStart(), width, ' '.repeat(l.length - l.trimStart().length), indent));
  }
  return out;
}

/** The few non-ASCII characters the summary's sentences use, for a plain report. */
function toAscii(text: string): string {
  return text.replace(/[–—≈→≥≤…×µ]/g, (ch) => ASCII[ch] ?? '?');
}
const ASCII: Record<string, string> = {
  '–': '-',
  '—': '-',
  '≈': '~',
  '→': '->',
  '≥': '>=',
  '≤': '<=',
  '…': '...',
  '×': 'x',
  µ: 'u',
};
