// certificate-file: `lbdoctor cert check` as a probe, so the tls-handshake
// playbook can judge a PEM the user names (--input pem=FILE) before it is
// uploaded (FAQ 7.4). Reads the files here, whatever the vantage.
import { readFile } from 'node:fs/promises';
import { checkPem } from '../certs/pem-check.js';
import {
  type CertificateFileParams,
  certificateFileContract,
  certificateFileProblem,
} from './contracts/certificate-file.js';
import type { NetworkProbe, Observation } from './types.js';

export const certificateFileProbe: NetworkProbe<CertificateFileParams> = {
  ...certificateFileContract,
  async run(p) {
    const started = performance.now();
    const error = (message: string): Observation => ({
      outcome: 'error',
      summary: `could not check ${p.path}: ${message}`,
      reason: message,
      data: { path: p.path, error: message },
      durationMs: performance.now() - started,
    });
    let result: ReturnType<typeof checkPem>;
    try {
      const read = (path: string) => readFile(path, 'utf8');
      result = checkPem({
        file: p.path,
        text: await read(p.path),
        ...(p.keyPath ? { key: { file: p.keyPath, text: await read(p.keyPath) } } : {}),
        ...(p.caPath ? { ca: await read(p.caPath) } : {}),
        names: p.names,
      });
    } catch (err) {
      // What is wrong with the file (not PEM, not a key, unreadable); never the key's text.
      return error((err as Error).message);
    }
    const first = result.findings[0]!;
    const failed = first.severity === 'error';
    const problem = certificateFileProblem.safeParse(first.code);
    return {
      outcome: failed ? 'fail' : 'pass',
      summary: `${p.path}: ${first.title}${failed ? `: ${first.cause}` : ''}`,
      data: {
        path: p.path,
        problem: failed && problem.success ? problem.data : 'ok',
        findings: result.findings.map((f) => f.code),
        detail: `${first.title}: ${first.cause}`,
        certificates: result.certificates.length,
      },
      durationMs: performance.now() - started,
    };
  },
};
