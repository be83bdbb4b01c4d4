// A web server's configuration as the server reads it: the given file, with
// what its Include/IncludeOptional (Apache) or include (nginx) directives pull
// in spliced where they stand, read over the host's allow-listed reads a level
// at a time (HostProbe.followUp). A stock Debian Apache loads mod_remoteip in
// mods-enabled/remoteip.load, not in apache2.conf (FAQ 3.9). Bounded: at most
// MAX_INCLUDED_FILES files, each cut at CONFIG_PART_BYTES; what is not
// followed (a variable in the path, outside the allow-list, over the bound,
// unreadable) is listed, never silently dropped.
import { posix } from 'node:path';
import {
  allowedConfigDir,
  allowedConfigFile,
  allowedNamePattern,
  CONFIG_PART_BYTES,
} from '../transport/config-files.js';
import { sectionKey } from '../transport/sections.js';
import type { SectionOutput, SectionRequest } from '../transport/types.js';
import { findSection, sectionProblem } from './host-probe-support.js';
import {
  apacheServerRoot,
  type ConfigLine,
  type IncludeDirective,
  type IncludingServer,
  includeDirectives,
} from './parsers/config-includes.js';

export const MAX_INCLUDED_FILES = 64;

export interface ConfigTree {
  /** Every line, included files spliced in where their directive stands. */
  lines: ConfigLine[];
  /** Files read, the given one first, in the order the server reads them. */
  files: string[];
  /** Includes not followed, each "file:line: pattern: why". */
  notRead: string[];
  /** Reads still needed to go one level deeper (none once the tree is whole). */
  pending: SectionRequest[];
}

const hasWildcard = (s: string) => /[*?[]/.test(s);

/**
 * Apache's relative includes start at ServerRoot. Without the directive, the
 * compiled-in default is the tree the file is in: /etc/apache2 for
 * /etc/apache2/apache2.conf, /etc/httpd for /etc/httpd/conf/httpd.conf.
 */
function serverRootOf(file: string): string {
  const dir = posix.dirname(file);
  return dir.endsWith('/conf') ? posix.dirname(dir) : dir;
}

export function configTree(
  server: IncludingServer,
  mainFile: string,
  mainText: string,
  outputs: readonly SectionOutput[],
): ConfigTree {
  const root =
    server === 'apache' ? (apacheServerRoot(mainText) ?? serverRootOf(mainFile)) : posix.dirname(mainFile);
  const tree: ConfigTree = { lines: [], files: [], notRead: [], pending: [] };
  let wanted = 0;
  const want = (request: SectionRequest) => {
    const key = sectionKey(request);
    if (!tree.pending.some((r) => sectionKey(r) === key)) tree.pending.push(request);
  };

  // `within`: the files being read around this one, to refuse an include loop as the server does.
  const visit = (file: string, text: string, within: readonly string[]) => {
    if (!tree.files.includes(file)) tree.files.push(file);
    const inside = [...within, file];
    const byLine = new Map<number, IncludeDirective[]>();
    for (const inc of includeDirectives(server, text))
      byLine.set(inc.line, [...(byLine.get(inc.line) ?? []), inc]);
    text.split('\n').forEach((t, i) => {
      tree.lines.push({ file, line: i + 1, text: t });
      for (const inc of byLine.get(i + 1) ?? []) follow(file, inc, inside);
    });
  };

  const follow = (from: string, inc: IncludeDirective, within: readonly string[]) => {
    const note = (why: string) => tree.notRead.push(`${from}:${inc.line}: ${inc.pattern}: ${why}`);
    if (inc.pattern.includes('$')) return note('names a variable lbdoctor does not expand');
    const path = posix.normalize(inc.pattern.startsWith('/') ? inc.pattern : `${root}/${inc.pattern}`);
    const bare = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const dir = posix.dirname(bare);
    const name = posix.basename(bare);
    if (hasWildcard(dir)) return note('a wildcard in a folder name is not followed');
    // nginx takes a wildcard that matches nothing as nothing, like Apache's IncludeOptional.
    if (hasWildcard(name)) return expand(dir, name, inc.optional || server === 'nginx', note, within);
    includeFile(bare, inc.optional, note, within);
  };

  const expand = (
    dir: string,
    pattern: string,
    optional: boolean,
    note: (why: string) => void,
    within: readonly string[],
  ) => {
    if (!allowedConfigDir(dir) || !allowedNamePattern(pattern))
      return note('outside the files lbdoctor reads');
    const request = { id: 'config-glob', args: [dir, pattern] };
    const out = findSection(outputs, request);
    if (!out) return want(request);
    const problem = sectionProblem(out, dir);
    if (problem) return optional ? undefined : note(problem);
    // Both servers take the matches in name order; like a shell, a wildcard skips hidden files.
    const matches = out.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/') && (pattern.startsWith('.') || !posix.basename(l).startsWith('.')))
      .sort();
    for (const file of matches) includeFile(file, false, note, within);
  };

  const includeFile = (
    file: string,
    optional: boolean,
    note: (why: string) => void,
    within: readonly string[],
  ) => {
    if (within.includes(file)) return note('includes itself: a loop the server refuses');
    if (!allowedConfigFile(file)) return note(`${file} is outside the files lbdoctor reads`);
    // Counted in traversal order, the same in every round: the bound holds across levels.
    if (++wanted > MAX_INCLUDED_FILES) return note(`more than ${MAX_INCLUDED_FILES} files: ${file} not read`);
    const request = { id: 'config-part', args: [file] };
    const out = findSection(outputs, request);
    if (!out) return want(request);
    // Apache: an Include of a folder reads every file in it.
    if (out.exitCode !== 0 && /is a directory/i.test(out.stderr))
      return expand(file, '*', optional, note, within);
    const problem = sectionProblem(out, file);
    if (problem) return optional ? undefined : note(problem);
    if (Buffer.byteLength(out.stdout) >= CONFIG_PART_BYTES)
      note(`${file}: only its first ${CONFIG_PART_BYTES} bytes were read`);
    visit(file, out.stdout, within);
  };

  visit(mainFile, mainText, []);
  return tree;
}
