// Renders a contract's parameter and data tables for docs/probes.md, from its
// zod schemas (through z.toJSONSchema), and rewrites the text between each
// probe's markers. scripts/probe-docs.mjs runs it on the built dist/;
// test/unit/probes/probe-docs.test.ts runs it in memory and fails when the
// committed document differs, so the tables cannot drift from the schemas.
import { z } from 'zod';
import type { ProbeContract } from '../types.js';

type Json = Record<string, unknown>;

export interface ParamRow {
  name: string;
  type: string;
  default: string;
  required: boolean;
  description: string;
}

export interface DataRow {
  path: string;
  type: string;
  when: string;
  description: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function props(s: Json): [string, Json][] {
  return Object.entries((s.properties as Record<string, Json> | undefined) ?? {});
}

function requiredSet(s: Json): Set<string> {
  return new Set((s.required as string[] | undefined) ?? []);
}

function variants(s: Json): Json[] {
  return (s.anyOf as Json[] | undefined) ?? (s.oneOf as Json[] | undefined) ?? [];
}

function literal(v: unknown): string {
  return `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
}

/** "1–65535", "≥ 0", "> 0": only the bounds a reader cares about. */
function bounds(s: Json): string {
  const min = s.minimum as number | undefined;
  const max = s.maximum as number | undefined;
  const xmin = s.exclusiveMinimum as number | undefined;
  const hasMin = min !== undefined && min > -MAX_SAFE;
  const hasMax = max !== undefined && max < MAX_SAFE;
  if (hasMin && hasMax) return ` ${min}–${max}`;
  if (xmin !== undefined) return ` > ${xmin}${hasMax ? `, ≤ ${max}` : ''}`;
  if (hasMin) return ` ≥ ${min}`;
  if (hasMax) return ` ≤ ${max}`;
  return '';
}

/** A schema's type in a table cell: enums as `a` | `b`, arrays as T[], maps as map key → value. */
export function typeOf(s: Json, withBounds = false): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map(literal).join(' | ');
  if (s.const !== undefined) return literal(s.const);
  const vs = variants(s);
  if (vs.length) return vs.map((v) => typeOf(v, withBounds)).join(' | ');
  const type = s.type;
  if (Array.isArray(type)) return type.map((t) => typeOf({ ...s, type: t }, withBounds)).join(' | ');
  switch (type) {
    case 'integer':
    case 'number':
      return `${type}${withBounds ? bounds(s) : ''}`;
    case 'string':
      return s.format === 'uri' ? 'URL' : 'string';
    case 'array': {
      const item = typeOf((s.items as Json | undefined) ?? {}, withBounds);
      return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const values = s.additionalProperties;
      if (s.properties || values === false || values === undefined) return 'object';
      const keys = s.propertyNames ? typeOf(s.propertyNames as Json) : 'string';
      const value =
        typeof values === 'object' && Object.keys(values as Json).length ? typeOf(values as Json) : 'any';
      return `map ${keys} → ${value}`;
    }
    case 'boolean':
    case 'null':
      return type;
    default:
      return 'any';
  }
}

/** The object variant of a schema (itself, or the object inside `T | null`), when it has named fields. */
function objectOf(s: Json): Json | undefined {
  if (s.type === 'object' && s.properties) return s;
  return variants(s).find((v) => v.type === 'object' && v.properties);
}

export function paramRows(contract: ProbeContract): ParamRow[] {
  const rows: ParamRow[] = [];
  const walk = (s: Json, prefix: string): void => {
    const required = requiredSet(s);
    for (const [name, p] of props(s)) {
      const path = `${prefix}${name}`;
      rows.push({
        name: path,
        type: typeOf(p, true),
        default: p.default === undefined ? '' : literal(p.default),
        required: required.has(name),
        description: (p.description as string | undefined) ?? '',
      });
      // Nested parameter objects the probe defines itself (strict) get a row per field.
      const inner = objectOf(p);
      if (inner && inner.additionalProperties === false) walk(inner, `${path}.`);
    }
  };
  walk(z.toJSONSchema(contract.params, { io: 'input', unrepresentable: 'any' }) as Json, '');
  return rows;
}

export function dataRows(contract: ProbeContract): DataRow[] {
  const rows: DataRow[] = [];
  const walk = (s: Json, prefix: string): void => {
    const required = requiredSet(s);
    for (const [name, p] of props(s)) {
      const path = `${prefix}${name}`;
      rows.push({
        path,
        type: typeOf(p),
        when: (p.when as string | undefined) ?? (required.has(name) ? 'always' : 'sometimes'),
        description: (p.description as string | undefined) ?? '',
      });
      const inner = objectOf(p);
      if (inner) {
        walk(inner, `${path}.`);
        continue;
      }
      const items = p.type === 'array' ? objectOf((p.items as Json | undefined) ?? {}) : undefined;
      if (items) {
        walk(items, `${path}[].`);
        continue;
      }
      const values = p.type === 'object' ? p.additionalProperties : undefined;
      const valueObject = values && typeof values === 'object' ? objectOf(values as Json) : undefined;
      if (valueObject) walk(valueObject, `${path}.<key>.`);
    }
  };
  walk(z.toJSONSchema(contract.data, { unrepresentable: 'any' }) as Json, '');
  return rows;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The generated block for one probe (without its markers). */
export function renderProbeTables(contract: ProbeContract): string {
  const params = paramRows(contract);
  const data = dataRows(contract);
  const lines = [
    `<!-- Generated from src/probes/contracts/${contract.kind}.ts by \`npm run docs:probes\`; edit the schema, not this table. -->`,
    '',
    '**Parameters** (`with:`)',
    '',
  ];
  if (params.length === 0) lines.push('None.');
  else {
    lines.push('| name | type | default | required | description |', '| --- | --- | --- | --- | --- |');
    for (const r of params) {
      lines.push(
        `| \`${r.name}\` | ${cell(r.type)} | ${cell(r.default)} | ${r.required ? 'yes' : ''} | ${cell(r.description)} |`,
      );
    }
  }
  lines.push('', `**\`data\`** (\`steps.<id>.data.…\`)`, '');
  if (data.length === 0) lines.push('Always empty.');
  else {
    lines.push('| path | type | when present | description |', '| --- | --- | --- | --- |');
    for (const r of data)
      lines.push(`| \`${r.path}\` | ${cell(r.type)} | ${cell(r.when)} | ${cell(r.description)} |`);
  }
  return lines.join('\n');
}

export const openMarker = (kind: string): string => `<!-- probe-tables:${kind} -->`;
export const closeMarker = (kind: string): string => `<!-- /probe-tables:${kind} -->`;

export interface ProbeDocsUpdate {
  text: string;
  /** Kinds whose tables changed. */
  changed: string[];
  /** Kinds without both markers in the document. */
  missing: string[];
}

/** Rewrites the text between each contract's markers with its generated tables. */
export function updateProbeDocs(
  markdown: string,
  contracts: Readonly<Record<string, ProbeContract>>,
): ProbeDocsUpdate {
  let text = markdown;
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [kind, contract] of Object.entries(contracts)) {
    const open = openMarker(kind);
    const close = closeMarker(kind);
    const start = text.indexOf(open);
    const end = text.indexOf(close);
    if (start < 0 || end < start) {
      missing.push(kind);
      continue;
    }
    const block = `${open}\n${renderProbeTables(contract)}\n${close}`;
    if (text.slice(start, end + close.length) !== block) changed.push(kind);
    text = text.slice(0, start) + block + text.slice(end + close.length);
  }
  return { text, changed, missing };
}
