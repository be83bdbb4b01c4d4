// nginx's idle keep-alive timeout for the server blocks on one port, from
// `nginx -T` (every file of the configuration, each after a "# configuration
// file PATH:" line). `include` is resolved the way nginx reads it, so a
// keepalive_timeout in conf.d/*.conf lands in the http block and one in a
// snippet included by a server block in that server. FAQ 5.6: a backend's idle
// keep-alive timeout shorter than the load balancer's reuse of idle connections
// yields intermittent 502s.

/** nginx's built-in keepalive_timeout (http, server, location). */
export const NGINX_DEFAULT_KEEPALIVE_SECONDS = 75;

export interface KeepaliveSetting {
  /** Idle keep-alive timeout, seconds (0: keep-alive off). */
  timeoutSeconds: number;
  /** "file:line" of the directive, or "nginx default". */
  source: string;
}

export interface NginxServerKeepalive extends KeepaliveSetting {
  /** The listen directive that matched the port, as written. */
  listen: string;
  /** server_name values, as written. */
  names: string[];
}

export interface NginxKeepalive {
  /** keepalive_timeout at http level, when set. */
  http: KeepaliveSetting | null;
  /** The server blocks listening on the port, each with the timeout in effect for it. */
  servers: NginxServerKeepalive[];
  /** keepalive_timeout set inside location blocks of those servers (they override it for their paths). */
  locations: KeepaliveSetting[];
}

interface Statement {
  name: string;
  args: string[];
  file: string;
  line: number;
  block?: Statement[];
}

/** `nginx -T` output → file path → text, in the order nginx printed them. */
export function splitNginxT(text: string): Map<string, string> {
  const files = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (current !== undefined && !files.has(current)) files.set(current, lines.join('\n'));
  };
  for (const line of text.split('\n')) {
    const named = /^# configuration file (.+):\s*$/.exec(line);
    if (named) {
      flush();
      current = named[1]!;
      lines = [];
      continue;
    }
    lines.push(line);
  }
  flush();
  // A single file without the header (a plain nginx.conf).
  if (files.size === 0 && text.trim() !== '') files.set('nginx.conf', text);
  return files;
}

/** Statements of one file: directives and blocks, comments and quotes handled. */
export function parseNginxFile(text: string, file: string): Statement[] {
  const root: Statement[] = [];
  const stack: Statement[][] = [root];
  let words: string[] = [];
  let startLine = 0;
  let line = 1;
  let i = 0;
  const n = text.length;
  const push = (w: string) => {
    if (words.length === 0) startLine = line;
    words.push(w);
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let w = '';
      while (j < n && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < n) j++;
        if (text[j] === '\n') line++;
        w += text[j];
        j++;
      }
      push(w);
      i = j + 1;
    } else if (c === ';' || c === '{') {
      const [name, ...args] = words;
      if (name !== undefined) {
        const st: Statement = { name, args, file, line: startLine };
        stack.at(-1)!.push(st);
        if (c === '{') {
          st.block = [];
          stack.push(st.block);
        }
      } else if (c === '{') stack.push([]);
      words = [];
      i++;
    } else if (c === '}') {
      if (stack.length > 1) stack.pop();
      words = [];
      i++;
    } else {
      let j = i;
      while (j < n && !/[\s;{}#"']/.test(text[j]!)) j++;
      push(text.slice(i, j));
      i = j;
    }
  }
  return root;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

function dirOf(path: string): string {
  const k = path.lastIndexOf('/');
  return k <= 0 ? '/' : path.slice(0, k);
}

/** The main file's statements with every include replaced by what it includes (as nginx reads them). */
export function resolveNginxConfig(files: Map<string, string>): Statement[] {
  const parsed = new Map([...files].map(([f, t]) => [f, parseNginxFile(t, f)] as const));
  const main = [...files.keys()][0];
  if (main === undefined) return [];
  const prefix = dirOf(main);
  const expand = (list: Statement[], depth: number): Statement[] =>
    list.flatMap((st) => {
      if (st.name === 'include' && st.args[0] && depth < 16) {
        const pattern = st.args[0].startsWith('/') ? st.args[0] : `${prefix}/${st.args[0]}`;
        const re = globToRegExp(pattern);
        return [...parsed.keys()]
          .filter((f) => re.test(f))
          .flatMap((f) => expand(parsed.get(f) ?? [], depth + 1));
      }
      return st.block ? [{ ...st, block: expand(st.block, depth) }] : [st];
    });
  return expand(parsed.get(main) ?? [], 0);
}

/** nginx time: "75", "75s", "1m30s", "500ms" → seconds; undefined when it is not one. */
export function nginxSeconds(v: string): number | undefined {
  if (/^\d+$/.test(v)) return Number(v);
  const units: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    M: 2592000,
    y: 31536000,
  };
  let total = 0;
  let rest = v;
  while (rest !== '') {
    const m = /^(\d+)(ms|s|m|h|d|w|M|y)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

function keepaliveIn(list: readonly Statement[]): KeepaliveSetting | null {
  let found: KeepaliveSetting | null = null;
  for (const st of list) {
    if (st.name !== 'keepalive_timeout' || st.args[0] === undefined) continue;
    const s = nginxSeconds(st.args[0]);
    if (s !== undefined) found = { timeoutSeconds: s, source: `${st.file}:${st.line}` };
  }
  return found;
}

/** The port a listen directive binds, or undefined (a unix socket). */
export function listenPort(listen: string): number | undefined {
  if (listen.startsWith('unix:')) return undefined;
  if (/^\d+$/.test(listen)) return Number(listen);
  const port = /^(?:\[[^\]]*\]|[^[\]:]*):(\d+)$/.exec(listen);
  if (port) return Number(port[1]);
  // "listen 10.0.0.5;", "listen [::1];" or "listen localhost;": port 80.
  return /^(\[[^\]]*\]|[\w.-]+)$/.test(listen) ? 80 : undefined;
}

function locationsIn(list: readonly Statement[], out: KeepaliveSetting[]): void {
  for (const st of list) {
    if (st.name !== 'location' || !st.block) continue;
    const k = keepaliveIn(st.block);
    if (k) out.push(k);
    locationsIn(st.block, out);
  }
}

/** The keep-alive timeout in effect for every server block listening on `port`. */
export function nginxKeepaliveFor(text: string, port: number): NginxKeepalive {
  const config = resolveNginxConfig(splitNginxT(text));
  const http = config.find((s) => s.name === 'http' && s.block);
  const httpBlock = http?.block ?? [];
  const httpLevel = keepaliveIn(httpBlock);
  const servers: NginxServerKeepalive[] = [];
  const locations: KeepaliveSetting[] = [];
  for (const server of httpBlock.filter((s) => s.name === 'server' && s.block)) {
    const block = server.block!;
    const listens = block.filter((s) => s.name === 'listen' && s.args[0]).map((s) => s.args[0]!);
    // No listen directive: *:80 (nginx runs as root) — the port clients mostly mean.
    const matching = listens.length === 0 ? (port === 80 ? ['*:80 (no listen directive)'] : []) : listens;
    const listen = matching.find((l) => l.endsWith('(no listen directive)') || listenPort(l) === port);
    if (!listen) continue;
    const own = keepaliveIn(block);
    const inEffect = own ??
      httpLevel ?? { timeoutSeconds: NGINX_DEFAULT_KEEPALIVE_SECONDS, source: 'nginx default' };
    servers.push({
      listen,
      names: block.filter((s) => s.name === 'server_name').flatMap((s) => s.args),
      ...inEffect,
    });
    locationsIn(block, locations);
  }
  return { http: httpLevel, servers, locations };
}
