// Inventories for the lint tests, written as YAML so every finding's
// file:line:column can be asserted against the text a person would read.
import { lintText } from '../../../src/lint/lint.js';
import type { LintFinding } from '../../../src/lint/types.js';

/** Strips the common indentation and the first newline of a template literal. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(
    ...raw
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => l.length - l.trimStart().length),
  );
  return raw
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
}

export const FILE = 'inv.yaml';

export function lint(text: string): LintFinding[] {
  return lintText(FILE, text);
}

/** `code line:column field` per finding, in report order. */
export function where(findings: readonly LintFinding[]): string[] {
  return findings.map((f) => `${f.code} ${f.location?.line}:${f.location?.column} ${f.location?.field}`);
}

/** Lints and returns `code line:column field` lines. */
export function lintAt(text: string): string[] {
  return where(lint(text));
}

/** A dedicated load balancer with one HTTP listener, a checked pool and one member: lints clean. */
export const CLEAN = yaml`
  loadbalancer: {name: lb, type: dedicated, vip_address: 10.0.0.10}
  listeners:
    - {name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web}
  pools:
    - id: web
      protocol: HTTP
      healthmonitor: {type: HTTP}
      members:
        - {name: be1, address: 10.0.1.1, protocol_port: 8080}
`;
