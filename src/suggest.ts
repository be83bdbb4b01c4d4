// "did you mean …?" for an unknown name (playbook id, lab scenario): only a
// name close enough to be a typo is suggested; anything further away is noise.

/**
 * Edits between two strings, an adjacent swap counting as one edit (optimal
 * string alignment distance): "router-cdoe" is one edit from "router-code".
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rows: the one before the previous (for swaps), the previous, the current.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      cur.push(d);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate `name` is most likely a typo of, or undefined when none is
 * close: at most one edit per three characters of the longer word (at least
 * one edit), fewer edits than either word has characters, or a candidate that
 * starts with `name` (three characters or more: "router" → "router-code").
 * Ties go to the candidate listed first.
 */
export function closeMatch(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.trim().toLowerCase();
  if (wanted === '') return undefined;
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const d = editDistance(wanted, c);
    const limit = Math.max(1, Math.floor(Math.max(wanted.length, c.length) / 3));
    const close = d <= limit && d < Math.min(wanted.length, c.length);
    // A prefix ranks after every typo-close candidate.
    const rank = close ? d : wanted.length >= 3 && c.startsWith(wanted) ? limit + 1 : undefined;
    if (rank !== undefined && (!best || rank < best.d)) best = { candidate, d: rank };
  }
  return best?.candidate;
}
