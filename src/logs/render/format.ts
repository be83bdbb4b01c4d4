// Number and time wording shared by the text and markdown log reports.
import type { LogSummary, MemberSummary } from '../summary.js';

/** 2,642,687 */
export function num(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 0.4% / 12.0% / <0.1% */
export function pct(share: number): string {
  if (share > 0 && share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(1)}%`;
}

/** Seconds as the log writes them, 3 decimals; "-" for nothing seen. */
export function sec(v: number | null): string {
  return v === null ? '-' : v.toFixed(3);
}

/** A latency in words: "34 ms", "1.20 s", "10.0 s". */
export function human(v: number | null): string {
  if (v === null) return '-';
  if (v < 1) return `${Math.round(v * 1000)} ms`;
  return `${v.toFixed(v >= 10 ? 1 : 2)} s`;
}

/** "12:05" from an ISO time written in the log's offset; with the date when the log spans days. */
export function clock(iso: string, withDate = false): string {
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

export function spansDays(s: LogSummary): boolean {
  return (
    s.time.first !== null && s.time.last !== null && s.time.first.slice(0, 10) !== s.time.last.slice(0, 10)
  );
}

/** "10 min", "30 s", "1 h". */
export function period(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function memberLabel(m: Pick<MemberSummary, 'address' | 'name'>): string {
  return m.name ? `${m.name} ${m.address}` : m.address;
}

/** Histogram bucket label: "≤ 1 ms", "1–2 ms" … "> 60 s". */
export function bucketLabel(i: number, edges: readonly (number | null)[], unicode: boolean): string {
  const fmt = (v: number) => (v < 1 ? `${Math.round(v * 1000)} ms` : `${v} s`);
  const hi = edges[i];
  const lo = i > 0 ? edges[i - 1] : null;
  const dash = unicode ? '–' : '-';
  if (hi === null || hi === undefined) return `> ${fmt(lo ?? 0)}`;
  if (lo === null || lo === undefined) return `${unicode ? '≤' : '<='} ${fmt(hi)}`;
  const unit = (v: number) => (v < 1 ? 'ms' : 's');
  const bare = (v: number) => (v < 1 ? String(Math.round(v * 1000)) : String(v));
  return unit(lo) === unit(hi) ? `${bare(lo)}${dash}${fmt(hi)}` : `${fmt(lo)}${dash}${fmt(hi)}`;
}
