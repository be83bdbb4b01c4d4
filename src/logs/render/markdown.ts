// The markdown report of `lbdoctor logs`, for a ticket or a wiki: the text
// report's tables, and its pictures as Mermaid `xychart-beta` charts (GitHub,
// GitLab and most wikis draw them).
import type { LogSummary } from '../summary.js';
import { xychart } from '../../charts/mermaid.js';
import { resample } from '../../charts/terminal.js';
import { bucketLabel, clock, human, memberLabel, num, pct, period, sec, spansDays } from './format.js';

/** Points on a chart's x axis: more do not read. */
const MAX_POINTS = 48;

function table(header: string[], rows: string[][], align: ('l' | 'r')[] = []): string[] {
  const sep = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  const esc = (v: string) => v.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${sep.join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
}

export function renderLogsMarkdown(s: LogSummary): string {
  const out: string[] = [];
  const days = spansDays(s);
  const total = s.lines.records;
  out.push('# Access-log summary', '');
  out.push(
    `${num(total)} requests in ${s.files.map((f) => `\`${f.name}\`${f.compression === 'gzip' ? ' (gzip)' : ''}`).join(', ')}` +
      (s.time.first && s.time.last ? `, ${s.time.first} → ${s.time.last}` : '') +
      '.',
  );
  if (s.badLines.count > 0) {
    out.push('', `${num(s.badLines.count)} bad lines were skipped; the first:`, '');
    for (const b of s.badLines.samples)
      out.push(`- \`${b.file}:${b.line}\` ${b.field ? `${b.field}: ` : ''}${b.message}`);
  }
  if (total === 0) return `${out.join('\n')}\n`;

  if (s.findings.length > 0) {
    out.push('', '## Findings', '');
    for (const f of s.findings)
      out.push(`- **${f.severity}** \`${f.id}\` — ${f.message} (FAQ ${f.faq.join(', ')})`);
  }

  out.push('', '## Status codes', '', 'Who answered each line (FAQ 1.5, 7.8):', '');
  out.push(
    ...table(
      ['code', 'lines', 'share', 'load balancer', 'backend'],
      s.status.codes.map((c) => [
        String(c.code),
        num(c.count),
        pct(c.share),
        num(c.loadBalancer),
        num(c.backend),
      ]),
      ['l', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('', 'How each line was classified (the first rule that matches):', '');
  out.push(
    ...table(
      ['rule', 'lines', 'answered by', 'meaning'],
      s.status.rules.map((r) => [`\`${r.id}\``, num(r.count), r.answeredBy, r.description]),
      ['l', 'r', 'l', 'l'],
    ),
  );

  const windows = s.timeline.windows;
  if (windows.length > 1) {
    const series = (k: keyof (typeof windows)[number]['counts']) =>
      resample(
        windows.map((w) => w.counts[k]),
        MAX_POINTS,
      );
    const lines = series('lines');
    const labels = lines.values.map((_, i) => clock(windows[i * lines.per]!.start, days));
    const step = period(s.timeline.windowSeconds * lines.per);
    out.push('', '## Over time', '');
    out.push(...xychart(`Requests per ${step}`, labels, 'lines', [{ kind: 'bar', values: lines.values }]));
    out.push('');
    out.push(
      ...xychart(`499 (bars) and 5xx (line) per ${step}`, labels, 'lines', [
        { kind: 'bar', values: series('499').values },
        { kind: 'line', values: series('5xx').values },
      ]),
    );
    const rows: string[][] = [];
    for (const code of ['499', '5xx'] as const) {
      for (const b of s.bursts[code].bursts) {
        rows.push([
          code,
          `${clock(b.start, days)}–${clock(b.end, days)}`,
          num(b.count),
          num(b.lines),
          pct(b.share),
          `${clock(b.peak.start, days)} (${num(b.peak.count)})`,
        ]);
      }
    }
    if (rows.length > 0) {
      out.push('', `Bursts (windows of ${period(s.bursts.windowSeconds)}):`, '');
      out.push(
        ...table(['code', 'when', 'count', 'lines', 'share', 'worst window'], rows, [
          'l',
          'l',
          'r',
          'r',
          'r',
          'l',
        ]),
      );
    }
  }

  const lat = s.latency;
  out.push('', '## Latency', '', 'Seconds; upstream times per try (FAQ 3.8).', '');
  const latRow = (name: string, p: LogSummary['latency']['requestTime'], f = sec) => [
    `\`${name}\``,
    f(p.p50),
    f(p.p90),
    f(p.p99),
    f(p.max),
    num(p.count),
  ];
  const ms = (v: number | null) => (v === null ? '-' : v.toFixed(1));
  out.push(
    ...table(
      ['field', 'p50', 'p90', 'p99', 'max', 'count'],
      [
        latRow('request_time', lat.requestTime),
        latRow('upstream_connect_time', lat.upstreamConnectTime),
        latRow('upstream_header_time', lat.upstreamHeaderTime),
        latRow('upstream_response_time', lat.upstreamResponseTime),
        latRow('tcpinfo_rtt (ms)', lat.tcpinfoRttMs, ms),
      ],
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  const hist = lat.histograms.requestTime;
  const first = hist.findIndex((h) => h.count > 0);
  const last = hist.length - 1 - [...hist].reverse().findIndex((h) => h.count > 0);
  if (first >= 0) {
    const edges = hist.map((h) => h.le);
    const idx = Array.from({ length: last - first + 1 }, (_, k) => first + k);
    out.push('');
    out.push(
      ...xychart(
        'request_time histogram',
        idx.map((i) => bucketLabel(i, edges, true)),
        'lines',
        [{ kind: 'bar', values: idx.map((i) => hist[i]!.count) }],
      ),
    );
  }

  const members = s.members.list.filter((m) => m.attempts > 0);
  if (members.length > 0) {
    out.push('', '## Members', '', 'Slowest first, by p99 `upstream_response_time`.', '');
    out.push(
      ...table(
        ['member', 'p50', 'p99', 'tries', '2xx', '4xx', '5xx', 'no status', 'left by 499'],
        members.map((m) => [
          memberLabel(m),
          human(m.upstreamResponseTime.p50),
          human(m.upstreamResponseTime.p99),
          num(m.attempts),
          num(m.status['2xx']),
          num(m.status['4xx']),
          num(m.status['5xx']),
          num(m.noStatus),
          num(m.abandoned),
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    const top = members.slice(0, 12);
    out.push('');
    out.push(
      ...xychart(
        'p99 upstream_response_time per member (s)',
        top.map((m) => m.name ?? m.address),
        'seconds',
        [{ kind: 'bar', values: top.map((m) => m.upstreamResponseTime.p99 ?? 0) }],
      ),
    );
  }

  if (s.paths.slowest.length > 0) {
    out.push(
      '',
      '## Slowest paths',
      '',
      `p99 \`request_time\`, paths with at least ${s.paths.minCount} lines; ids shown as \`{id}\`.`,
      '',
    );
    out.push(
      ...table(
        ['path', 'p50', 'p99', 'max', '5xx', '499', 'lines'],
        s.paths.slowest.map((p) => [
          `\`${p.path}\``,
          human(p.requestTime.p50),
          human(p.requestTime.p99),
          human(p.requestTime.max),
          num(p['5xx']),
          num(p['499']),
          num(p.count),
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }

  const rt = s.retries;
  out.push('', '## Retries', '');
  if (rt.lines === 0) out.push('None: every request went to one backend.');
  else {
    out.push(
      `${num(rt.lines)} lines (${pct(rt.share)}) tried more than one backend (several upstream values, FAQ 3.8). They ended: ${Object.entries(
        rt.endedIn,
      )
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${num(n)}`)
        .join(', ')}.`,
      '',
      ...table(
        ['first try', 'last try', 'lines'],
        rt.routes.map((r) => [r.from, r.to, num(r.count)]),
        ['l', 'l', 'r'],
      ),
    );
  }

  const cc = s.clientClosed;
  out.push('', '## 499: clients that closed first (FAQ 7.9)', '');
  if (cc.count === 0) out.push('None.');
  else {
    out.push(
      ...table(
        ['', 'lines'],
        [
          ['all 499s', `${num(cc.count)} (${pct(cc.share)})`],
          ['waiting for the backend (no header yet)', num(cc.waitingForBackend)],
          ['during the response', num(cc.duringResponse)],
          ['before any backend was tried', num(cc.beforeUpstream)],
        ],
        ['l', 'r'],
      ),
      '',
      ...table(
        ['field (499 lines)', 'p50', 'p90', 'p99', 'max'],
        [
          [
            '`request_time` (s)',
            sec(cc.requestTime.p50),
            sec(cc.requestTime.p90),
            sec(cc.requestTime.p99),
            sec(cc.requestTime.max),
          ],
          [
            '`upstream_response_time` (s)',
            sec(cc.upstreamResponseTime.p50),
            sec(cc.upstreamResponseTime.p90),
            sec(cc.upstreamResponseTime.p99),
            sec(cc.upstreamResponseTime.max),
          ],
          [
            '`tcpinfo_rtt` (ms)',
            ms(cc.tcpinfoRttMs.p50),
            ms(cc.tcpinfoRttMs.p90),
            ms(cc.tcpinfoRttMs.p99),
            ms(cc.tcpinfoRttMs.max),
          ],
          [
            '`tcpinfo_rtt` (ms), all lines',
            ms(lat.tcpinfoRttMs.p50),
            ms(lat.tcpinfoRttMs.p90),
            ms(lat.tcpinfoRttMs.p99),
            ms(lat.tcpinfoRttMs.max),
          ],
        ],
        ['l', 'r', 'r', 'r', 'r'],
      ),
    );
    if (cc.clientTimeoutSeconds !== null)
      out.push('', `Most give up after ≈${cc.clientTimeoutSeconds} s: a client-side timeout.`);
  }

  out.push(
    '',
    '## Health checks (FAQ 2.7)',
    '',
    `${num(s.healthChecks.count)} lines (${pct(s.healthChecks.share)}) look like health checks. Rule: ${s.healthChecks.rule}.`,
  );
  return `${out.join('\n')}\n`;
}
