// `lbdoctor cert check`: what the ELB console (FAQ 7.4) and clients (FAQ
// 1.12 cause 2, 7.2) hold against a PEM before it is uploaded — a chain
// that is incomplete or out of order, spaces before or after the PEM text,
// a private key that does not belong to the certificate, dates, and names
// the listener serves that the certificate does not cover (FAQ 5.8, 7.1).
// Pure: text in, findings out. Private key material never leaves this file:
// only whether it matches.
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { InputError, type Problem } from '../errors.js';
import { type CertificateFacts, certificateFacts, isSelfSigned } from '../probes/tls-chain.js';
import { daysLeft, judgeHostname } from '../probes/tls-handshake.js';

export type CertSeverity = 'error' | 'warn' | 'info';

export interface CertFinding {
  code:
    | 'leading-spaces'
    | 'trailing-spaces'
    | 'private-key-in-certificate'
    | 'wrong-order'
    | 'incomplete-chain'
    | 'expired'
    | 'not-yet-valid'
    | 'expires-soon'
    | 'key-mismatch'
    | 'key-encrypted'
    | 'name-not-covered'
    | 'ok';
  severity: CertSeverity;
  title: string;
  cause: string;
  fix: string[];
  faq: string[];
}

export interface CertCheck {
  file: string;
  certificates: (CertificateFacts & { daysLeft: number })[];
  /** Names checked against the leaf, and where they came from. */
  names: { name: string; covered: boolean; detail: string }[];
  key?: { file: string; matches: boolean };
  findings: CertFinding[];
}

export interface CertCheckInput {
  file: string;
  text: string;
  key?: { file: string; text: string };
  /** Host names the listener serves (from --name and the inventory). */
  names?: readonly string[];
  /** Extra trusted roots (PEM), for chains that end in a private CA. */
  ca?: string;
  now?: Date;
  /** A certificate closer to its end than this is a warning. */
  warnDays?: number;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** The certificates of a PEM file, in file order; an InputError (exit 2) when it holds none or a broken one. */
export function readCertificates(file: string, text: string): X509Certificate[] {
  const certs: X509Certificate[] = [];
  const problems: Problem[] = [];
  for (const m of text.matchAll(BLOCK)) {
    if (m[1] !== 'CERTIFICATE') continue;
    try {
      certs.push(new X509Certificate(m[0]));
    } catch (err) {
      problems.push({
        file,
        line: lineOf(text, m.index),
        message: `certificate ${certs.length + problems.length + 1} does not decode: ${(err as Error).message}`,
        expected: 'base64 DER between the BEGIN and END lines, nothing else',
      });
    }
  }
  if (problems.length) {
    throw new InputError(
      `${file}: a certificate block is damaged`,
      problems,
      'copy the PEM again from its source',
    );
  }
  if (certs.length === 0) {
    const what = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
      ? 'it holds a private key but no certificate (did you swap the certificate and --key?)'
      : text.includes('-----BEGIN ')
        ? 'it holds PEM blocks, but none is a CERTIFICATE'
        : 'it is not PEM text (a DER or PKCS#12 file? convert it: openssl x509 -inform der -in FILE -out FILE.pem)';
    throw new InputError(`${file} holds no certificate: ${what}`, [
      { file, message: what, expected: 'one or more -----BEGIN CERTIFICATE----- blocks' },
    ]);
  }
  return certs;
}

function readKey(file: string, text: string): KeyObject | 'encrypted' {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) return 'encrypted';
  try {
    return createPrivateKey(text);
  } catch (err) {
    // The message of the crypto error, never the text: it is a key.
    throw new InputError(`${file} is not a private key`, [
      {
        file,
        message: (err as Error).message,
        expected: 'a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----)',
      },
    ]);
  }
}

function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

const dn = (s: string) => s.replace(/\n/g, ', ');

/** Spaces around the PEM text or on its lines (FAQ 7.4: the console rejects them). */
function spaceFindings(text: string): CertFinding[] {
  const out: CertFinding[] = [];
  const before = text.slice(0, text.indexOf('-----BEGIN'));
  const endLine = /-----END [A-Z0-9 ]+-----/g;
  let lastEnd = 0;
  for (const m of text.matchAll(endLine)) lastEnd = m.index + m[0].length;
  const after = text.slice(lastEnd).replace(/^\r?\n/, '');
  const pemLines = text.slice(before.length, lastEnd).split('\n');
  if (before.length > 0 || pemLines.some((l) => /^[ \t]/.test(l))) {
    out.push({
      code: 'leading-spaces',
      severity: 'error',
      title: 'spaces or text before the PEM lines',
      cause: /\S/.test(before)
        ? 'text comes before the first -----BEGIN line; the console expects the PEM to start there'
        : 'the PEM text (or one of its lines) starts with spaces, tabs or blank lines; the console rejects it',
      fix: ['Remove everything before -----BEGIN CERTIFICATE----- and the indentation of every line.'],
      faq: ['7.4'],
    });
  }
  if (after.length > 0 || pemLines.some((l) => /[ \t]\r?$/.test(l))) {
    out.push({
      code: 'trailing-spaces',
      severity: 'error',
      title: 'spaces or text after the PEM lines',
      cause:
        'the PEM text (or one of its lines) ends with spaces, tabs, blank lines or other text; the console rejects it',
      fix: [
        "Strip trailing whitespace (sed -i 's/[[:space:]]*$//' FILE) and remove anything after the last -----END line.",
      ],
      faq: ['7.4'],
    });
  }
  return out;
}

function chainFindings(certs: X509Certificate[], roots: X509Certificate[]): CertFinding[] {
  const out: CertFinding[] = [];
  const leafAt = certs.findIndex((c) => !c.ca);
  const misordered = certs.slice(1).some((c, i) => !certs[i]!.checkIssued(c));
  if (leafAt > 0 || misordered) {
    out.push({
      code: 'wrong-order',
      severity: 'error',
      title: 'the certificates are not in chain order',
      cause:
        leafAt > 0
          ? `the server certificate (${dn(certs[leafAt]!.subject)}) is number ${leafAt + 1} in the file; it must come first, each certificate followed by its issuer`
          : 'a certificate is not followed by its issuer; strict clients and the console reject such a chain',
      fix: [
        "Order the file: server certificate, then its issuer, then that issuer's issuer (the root may be left out).",
      ],
      faq: ['7.2', '7.4'],
    });
  }
  // Complete when some certificate of the file is self-signed or issued by a trusted root.
  const issuedByRoot = (c: X509Certificate) => roots.some((r) => c.checkIssued(r) && c.verify(r.publicKey));
  // A root, or a self-signed leaf: subject and issuer alike and signed by its own key
  // (isSelfSigned also wants the CA key usage, which a self-signed leaf lacks).
  const ownRoot = (c: X509Certificate) => c.subject === c.issuer && c.verify(c.publicKey);
  const complete = certs.some((c) => isSelfSigned(c) || ownRoot(c) || issuedByRoot(c));
  if (!complete) {
    // The top of what the file holds: the certificate no other one in the file issued.
    const last = certs.find((c) => !certs.some((o) => o !== c && c.checkIssued(o))) ?? certs.at(-1)!;
    out.push({
      code: 'incomplete-chain',
      severity: 'error',
      title: 'the chain is incomplete',
      cause: `no certificate in the file issued ${dn(last.subject)}, and its issuer (${dn(last.issuer)}) is not a trusted root: the intermediate certificate(s) are missing`,
      fix: [
        "Append the intermediate certificate(s) from your CA after the server certificate (the CA's 'fullchain' or 'bundle' file).",
        'For a private CA, give its root with --ca ROOT.pem.',
      ],
      faq: ['1.12', '7.4'],
    });
  }
  return out;
}

function dateFindings(certs: X509Certificate[], now: Date, warnDays: number): CertFinding[] {
  const out: CertFinding[] = [];
  const who = (i: number) =>
    i === 0 ? 'the server certificate' : `chain certificate ${i + 1} (${dn(certs[i]!.subject)})`;
  for (const [i, c] of certs.entries()) {
    const left = daysLeft(c.validTo, now);
    if (new Date(c.validTo) < now) {
      out.push({
        code: 'expired',
        severity: 'error',
        title: `${who(i)} has expired`,
        cause: `${who(i)} was valid until ${new Date(c.validTo).toISOString()} (${-left} day${left === -1 ? '' : 's'} ago); clients refuse it`,
        fix: [
          'Renew it with your CA and upload the new certificate; replacing it keeps established connections (FAQ 7.3).',
        ],
        faq: ['7.2', '7.3'],
      });
    } else if (new Date(c.validFrom) > now) {
      out.push({
        code: 'not-yet-valid',
        severity: 'error',
        title: `${who(i)} is not valid yet`,
        cause: `${who(i)} is valid only from ${new Date(c.validFrom).toISOString()}; clients refuse it until then (or a clock is wrong)`,
        fix: ['Upload it once it is valid, or check the clock of the machine that issued it.'],
        faq: ['1.12'],
      });
    }
  }
  // One warning for the certificate that runs out first: the chain is as good as its shortest date.
  const valid = certs.map((c, i) => ({ i, c })).filter(({ c }) => new Date(c.validTo) >= now);
  const first = valid.sort((a, b) => +new Date(a.c.validTo) - +new Date(b.c.validTo))[0];
  if (first && out.length === 0 && daysLeft(first.c.validTo, now) < warnDays) {
    const left = daysLeft(first.c.validTo, now);
    out.push({
      code: 'expires-soon',
      severity: 'warn',
      title: `${who(first.i)} expires in ${left} day${left === 1 ? '' : 's'}`,
      cause: `${who(first.i)} is valid until ${new Date(first.c.validTo).toISOString()}, the earliest end date in the file`,
      fix: [
        'Renew it before then; replacing a listener certificate keeps established connections (FAQ 7.3).',
      ],
      faq: ['7.3'],
    });
  }
  return out;
}

const ORDER: Record<CertSeverity, number> = { error: 0, warn: 1, info: 2 };

export function checkPem(input: CertCheckInput): CertCheck {
  const now = input.now ?? new Date();
  const certs = readCertificates(input.file, input.text);
  const leaf = certs.find((c) => !c.ca) ?? certs[0]!;
  const roots = [rootCertificates.join('\n'), input.ca ?? '']
    .join('\n')
    .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!
    .map((p) => new X509Certificate(p));
  const findings: CertFinding[] = [
    ...spaceFindings(input.text),
    ...chainFindings(certs, roots),
    ...dateFindings(certs, now, input.warnDays ?? 30),
  ];
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(input.text)) {
    findings.push({
      code: 'private-key-in-certificate',
      severity: 'warn',
      title: 'the certificate file also holds a private key',
      cause:
        'the certificate box of the console takes certificates only; the key goes in its own box (its text is not shown here)',
      fix: ['Move the PRIVATE KEY block to its own file and keep that file private.'],
      faq: ['7.4'],
    });
  }
  let key: CertCheck['key'];
  if (input.key) {
    const k = readKey(input.key.file, input.key.text);
    if (k === 'encrypted') {
      findings.push({
        code: 'key-encrypted',
        severity: 'error',
        title: 'the private key is protected by a passphrase',
        cause: `${input.key.file} is encrypted; the console needs the key without a passphrase, and it cannot be compared here`,
        fix: ['Decrypt a copy for the upload: openssl pkey -in KEY -out KEY.plain (and keep it private).'],
        faq: ['7.4'],
      });
    } else {
      const matches = sameKey(createPublicKey(k), leaf.publicKey);
      key = { file: input.key.file, matches };
      if (!matches) {
        findings.push({
          code: 'key-mismatch',
          severity: 'error',
          title: 'the private key does not belong to the certificate',
          cause: `the public key of ${dn(leaf.subject)} is not the one of the private key in ${input.key.file}; the upload fails, or the listener cannot complete a handshake`,
          fix: [
            'Find the key the certificate request (CSR) was made with; compare: openssl x509 -noout -pubkey -in CERT | sha256sum and openssl pkey -pubout -in KEY | sha256sum.',
          ],
          faq: ['7.4'],
        });
      }
    }
  }
  const names = [...new Set(input.names ?? [])].map((name) => {
    const r = judgeHostname(leaf, name);
    return { name, covered: r.ok, detail: r.detail };
  });
  for (const n of names.filter((x) => !x.covered)) {
    findings.push({
      code: 'name-not-covered',
      severity: 'error',
      title: `the certificate does not cover ${n.name}`,
      cause: `${n.detail}; clients asking for ${n.name} get a host name error (FAQ 5.8)`,
      fix: [
        n.detail.includes('wildcard level')
          ? `A wildcard covers one label: add ${n.name} or *.${n.name.split('.').slice(1).join('.')} to the certificate (FAQ 7.1).`
          : `Add ${n.name} to the certificate's subject alternative names, or bind another certificate for it (SNI).`,
      ],
      faq: ['5.8', '7.1'],
    });
  }
  if (!findings.some((f) => f.severity === 'error')) {
    findings.push({
      code: 'ok',
      severity: 'info',
      title: 'ready to upload',
      cause: `${certs.length} certificate${certs.length === 1 ? '' : 's'} in chain order, complete${key ? ', the key matches' : ''}${names.length ? `, covering ${names.map((n) => n.name).join(', ')}` : ''}`,
      fix: [],
      faq: ['7.4'],
    });
  }
  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return {
    file: input.file,
    certificates: certs.map((c) => ({ ...certificateFacts(c), daysLeft: daysLeft(c.validTo, now) })),
    names,
    ...(key ? { key } : {}),
    findings,
  };
}
