// certificate-file: a certificate PEM on this machine (and its key), checked
// as `lbdoctor cert check` does (src/certs/pem-check.ts) for what the ELB
// console and clients reject (FAQ 7.4). Nothing goes on the wire.
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const certificateFileParams = z
  .object({
    path: z
      .string()
      .min(1)
      .describe(
        'the certificate PEM to read on this machine (a playbook passes a file input: {{ inputs.pem }})',
      ),
    keyPath: z
      .string()
      .min(1)
      .optional()
      .describe('its private key, compared with the certificate, never shown'),
    names: z.array(z.string().min(1)).default([]).describe('host names the certificate must cover'),
    caPath: z.string().min(1).optional().describe('a private root CA (PEM) the chain may end in'),
  })
  .strict();
export type CertificateFileParams = z.infer<typeof certificateFileParams>;

export const certificateFileProblem = z.enum([
  'ok',
  'leading-spaces',
  'trailing-spaces',
  'wrong-order',
  'incomplete-chain',
  'expired',
  'not-yet-valid',
  'key-mismatch',
  'key-encrypted',
  'name-not-covered',
]);

export const certificateFileData = z
  .object({
    path: z.string().describe('the file read'),
    problem: sometimes(
      'the file was read',
      certificateFileProblem.describe('the first error-level finding (as cert check orders them), or ok'),
    ),
    findings: sometimes(
      'the file was read',
      z.array(z.string()).describe('every finding code, errors first (cert check codes)'),
    ),
    detail: sometimes('the file was read', z.string().describe('the first finding: title, then cause')),
    certificates: sometimes('the file was read', z.number().int().describe('certificates in the file')),
    error: sometimes('error', z.string().describe('why the file could not be checked')),
  })
  .strict();

export const certificateFileContract = defineContract({
  kind: 'certificate-file',
  needs: 'network',
  summary:
    'a certificate PEM on this machine, checked as `cert check` does: chain order and completeness, stray spaces, dates, key match (FAQ 7.4)',
  params: certificateFileParams,
  data: certificateFileData,
});
