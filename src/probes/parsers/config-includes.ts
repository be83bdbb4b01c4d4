// The directives by which a web server's configuration pulls in other files
// (FAQ 3.9: the real-IP settings are often not in the main file). Apache:
// Include and IncludeOptional, paths relative to ServerRoot (Debian keeps
// LoadModule in mods-enabled/*.load and settings in conf-enabled/ and
// sites-enabled/). nginx: include, relative to the main file's folder. Pure:
// text in, directives out; src/probes/config-tree.ts follows them.

export type IncludingServer = 'nginx' | 'apache';

/** One line of a configuration, wherever it came from. */
export interface ConfigLine {
  file: string;
  /** From 1, in its own file. */
  line: number;
  text: string;
}

export interface IncludeDirective {
  /** Line in its file, from 1. */
  line: number;
  /** The path as written, unquoted: absolute or relative, maybe with a wildcard. */
  pattern: string;
  /** Apache IncludeOptional: nothing matching is no error. */
  optional: boolean;
}

/** Drops `# comments` outside quotes; keeps line numbers. */
export function stripHashComments(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

const unquote = (s: string) => s.trim().replace(/^(["'])(.*)\1$/, '$2');

export function includeDirectives(server: IncludingServer, text: string): IncludeDirective[] {
  const out: IncludeDirective[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = stripHashComments(raw);
    if (server === 'apache') {
      const m = /^\s*(Include|IncludeOptional)\s+(\S.*?)\s*$/i.exec(line);
      if (m)
        out.push({
          line: i + 1,
          pattern: unquote(m[2]!),
          optional: m[1]!.toLowerCase() === 'includeoptional',
        });
      return;
    }
    for (const m of line.matchAll(/(?:^|[;{}\s])include\s+([^;]+);/g))
      out.push({ line: i + 1, pattern: unquote(m[1]!), optional: false });
  });
  return out;
}

/** Apache's ServerRoot as the main file sets it (relative includes start there), or undefined. */
export function apacheServerRoot(text: string): string | undefined {
  for (const raw of text.split('\n')) {
    const m = /^\s*ServerRoot\s+(\S.*?)\s*$/i.exec(stripHashComments(raw));
    if (m) return unquote(m[1]!).replace(/\/+$/, '') || '/';
  }
  return undefined;
}

/** A file's text as located lines. */
export function configLines(text: string, file: string): ConfigLine[] {
  return text.split('\n').map((t, i) => ({ file, line: i + 1, text: t }));
}
