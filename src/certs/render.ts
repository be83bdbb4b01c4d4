// `lbdoctor cert check` as text, sized for an 80-column terminal: the chain
// as the file holds it (one line per certificate), the key and the names,
// then one block per finding.
import { wrap } from '../lint/report/text.js';
import type { CertCheck, CertFinding } from './pem-check.js';

const WIDTH = 80;
const INDENT = '    ';
const LABEL = 7;

const MARK: Record<CertFinding['severity'], string> = { error: '✖ ERROR', warn: '! WARN ', info: '✔ OK   ' };

function labelled(label: string, ...items: string[]): string[] {
  const lines = items.flatMap((item) => wrap(item, WIDTH - INDENT.length - LABEL));
  return lines.map((l, i) => `${INDENT}${i === 0 ? `${label}:`.padEnd(LABEL) : ' '.repeat(LABEL)}${l}`);
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export function renderCertCheck(c: CertCheck): string {
  const out = [`${c.file}: ${c.certificates.length} certificate${c.certificates.length === 1 ? '' : 's'}`];
  for (const [i, cert] of c.certificates.entries()) {
    const days = cert.daysLeft < 0 ? `expired ${-cert.daysLeft}d ago` : `${cert.daysLeft}d left`;
    out.push(clip(`  ${i + 1}. ${cert.subject}  (${cert.ca ? 'CA' : 'server'}, ${days})`, WIDTH));
    out.push(clip(`     issued by ${cert.issuer}${cert.selfSigned ? ' (itself)' : ''}`, WIDTH));
  }
  if (c.key) out.push(`  key ${c.key.file}: ${c.key.matches ? 'matches' : 'does NOT match'} the certificate`);
  for (const n of c.names) out.push(clip(`  ${n.covered ? '✔' : '✖'} ${n.name}: ${n.detail}`, WIDTH));
  out.push('');
  for (const f of c.findings) {
    for (const [i, l] of wrap(`${MARK[f.severity]}  ${f.title}  [cert/${f.code}]`, WIDTH - 2).entries())
      out.push(i === 0 ? l : `${INDENT}${l}`);
    out.push(...labelled('cause', f.cause));
    if (f.fix.length) out.push(...labelled('fix', ...f.fix));
    out.push(...labelled('FAQ', f.faq.join(', ')), '');
  }
  return out.join('\n');
}
