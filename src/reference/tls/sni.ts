// Which certificate answers a ClientHello's server name (FAQ 7.1, Table 7-1).
// Wildcard match (dedicated default): exact names first, then `*.example.com`
// for one more label only (abc.example.com, not a.b.example.com). Longest
// suffix match (shared default, or `sni_match_algo: longest_suffix`): exact
// first, then the certificate whose domain is the longest suffix of the name,
// at any depth. No match: the listener's default certificate.

export type SniMatchAlgo = 'wildcard' | 'longest_suffix';

export interface SniCandidate {
  id: string;
  domains: readonly string[];
}

export function selectSniCertificate<C extends SniCandidate>(
  servername: string,
  candidates: readonly C[],
  algo: SniMatchAlgo,
): C | undefined {
  const name = servername.toLowerCase().replace(/\.$/, '');
  const exact = candidates.find((c) => c.domains.includes(name));
  if (exact) return exact;
  if (algo === 'wildcard') {
    const dot = name.indexOf('.');
    if (dot <= 0) return undefined;
    const wildcard = `*${name.slice(dot)}`;
    return candidates.find((c) => c.domains.includes(wildcard));
  }
  let best: C | undefined;
  let bestLength = -1;
  for (const c of candidates) {
    for (const d of c.domains) {
      // `*.example.com` and `example.com` both stand for the suffix `.example.com`.
      const suffix = d.startsWith('*.') ? d.slice(1) : `.${d}`;
      if (name.endsWith(suffix) && suffix.length > bestLength) {
        best = c;
        bestLength = suffix.length;
      }
    }
  }
  return best;
}
