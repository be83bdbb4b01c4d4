// Where an SSH reach in the inventory really goes: `ssh://[user@]host[:port]`
// or a Host alias, resolved through ~/.ssh/config (Host, HostName, User, Port,
// IdentityFile, ProxyJump) with the ssh-config package, as `ssh -G` would.
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';
import { InputError, LbdError } from '../../errors.js';

export interface SshTarget {
  /** What the inventory (or a ProxyJump hop) wrote: an alias, a host name or an address. */
  alias: string;
  /** Where the TCP connection goes (HostName, else the alias). */
  host: string;
  port: number;
  user: string;
  /** IdentityFile entries from the config, `~` and %-tokens expanded. */
  identityFiles: string[];
  /** Hops to go through first, outermost first (ProxyJump). */
  jumps: SshTarget[];
}

export interface ResolveOptions {
  /** `-F`-style override; default ~/.ssh/config (absent file = no config). */
  configFile?: string;
  /** Field to name in errors, e.g. `hosts.be1.ssh`. */
  field?: string;
}

const MAX_JUMPS = 8;

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

function loadConfig(file: string | undefined): SSHConfig | undefined {
  const path = file ?? join(homedir(), '.ssh', 'config');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (file === undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(
      `cannot read the SSH config file ${path}: ${(err as Error).message}`,
      [{ file: path, message: 'unreadable SSH config' }],
      'Point --ssh-config at a readable file.',
      'LBD_ERR_SSH_CONFIG',
    );
  }
  try {
    return SSHConfig.parse(text);
  } catch (err) {
    throw new InputError(
      `cannot parse the SSH config file ${path}: ${(err as Error).message}`,
      [{ file: path, message: (err as Error).message }],
      undefined,
      'LBD_ERR_SSH_CONFIG',
    );
  }
}

/** Splits `[user@]host[:port]` (also `[v6]:port`); the port is checked. */
function splitHostSpec(
  spec: string,
  field: string | undefined,
): { user?: string; host: string; port?: number } {
  let rest = spec;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = decodeURIComponent(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
  } else if (rest.split(':').length === 2) {
    [host, portText] = rest.split(':') as [string, string];
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      throw new InputError(`invalid SSH port in "${spec}"`, [
        { ...(field ? { field } : {}), message: `invalid port "${portText}"`, expected: '1–65535' },
      ]);
    }
  }
  if (host === '' || /[\s/\\]/.test(host) || host.startsWith('-')) {
    throw new InputError(`invalid SSH host in "${spec}"`, [
      {
        ...(field ? { field } : {}),
        message: `invalid host "${host}"`,
        expected: 'ssh://[user@]host[:port] or a Host alias',
      },
    ]);
  }
  return { ...(user ? { user } : {}), host, ...(port === undefined ? {} : { port }) };
}

/** Parses `ssh://[user@]host[:port]`, `user@host[:port]` or a bare alias. */
export function parseSshReach(reach: string, field?: string): { user?: string; host: string; port?: number } {
  if (reach.startsWith('ssh://')) {
    const rest = reach.slice('ssh://'.length).replace(/\/$/, '');
    if (rest.includes('/')) {
      throw new InputError(`invalid SSH reach "${reach}": no path allowed`, [
        {
          ...(field ? { field } : {}),
          message: 'a path after the host',
          expected: 'ssh://[user@]host[:port]',
        },
      ]);
    }
    return splitHostSpec(rest, field);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reach)) {
    throw new InputError(`unsupported scheme in "${reach}"`, [
      {
        ...(field ? { field } : {}),
        message: 'not an ssh:// reach',
        expected: 'ssh://[user@]host[:port] or a Host alias',
      },
    ]);
  }
  return splitHostSpec(reach, field);
}

/** OpenSSH's IdentityFile tokens that make sense here: ~, %d, %u, %h, %r, %p, %%. */
function expandPath(p: string, t: { host: string; user: string; port: number }): string {
  let out = p.replace(/^~(?=$|\/)/, homedir());
  out = out.replace(/%([%dhuprn])/g, (_m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return homedir();
      case 'u':
        return localUser();
      case 'h':
        return t.host;
      case 'r':
        return t.user;
      case 'p':
        return String(t.port);
      default:
        return t.host;
    }
  });
  return isAbsolute(out) ? out : join(homedir(), '.ssh', out);
}

function asArray(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function resolveWith(
  config: SSHConfig | undefined,
  reach: string,
  field: string | undefined,
  depth: number,
): SshTarget {
  if (depth > MAX_JUMPS) {
    throw new LbdError(
      'LBD_ERR_SSH_CONFIG',
      `ProxyJump chain longer than ${MAX_JUMPS} hops (a loop?) at "${reach}"`,
    );
  }
  const spec = parseSshReach(reach, field);
  // `Match exec` would run a command: never (lbdoctor runs nothing it was not told to).
  const computed = config ? config.compute(spec.host, { ignoreCase: true, matchExec: false }) : {};
  const host = first(computed.hostname) ?? spec.host;
  const portText = first(computed.port);
  const port = spec.port ?? (portText !== undefined ? Number(portText) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(
      `invalid Port "${portText}" for ${spec.host} in the SSH config`,
      [],
      undefined,
      'LBD_ERR_SSH_CONFIG',
    );
  }
  const user = spec.user ?? first(computed.user) ?? localUser();
  const identityFiles = asArray(computed.identityfile).map((p) => expandPath(p, { host, user, port }));
  const jumpText = first(computed.proxyjump);
  const jumps: SshTarget[] = [];
  if (jumpText && jumpText.toLowerCase() !== 'none') {
    for (const hop of jumpText.split(',')) {
      const target = resolveWith(config, hop.trim(), field, depth + 1);
      // A hop's own jumps come before it.
      jumps.push(...target.jumps, { ...target, jumps: [] });
    }
  }
  if (first(computed.proxycommand) !== undefined && jumps.length === 0) {
    throw new LbdError('LBD_ERR_SSH_CONFIG', `ProxyCommand (for ${spec.host}) is not supported`, {
      hint: 'Use ProxyJump instead: lbdoctor does not run local commands to reach a host.',
    });
  }
  return { alias: spec.host, host, port, user, identityFiles, jumps };
}

/** Resolves an inventory reach (or a CLI `--host`) into where and how to connect. */
export function resolveSshTarget(reach: string, options: ResolveOptions = {}): SshTarget {
  return resolveWith(loadConfig(options.configFile), reach, options.field, 0);
}

/** `ssh://user@host:port` for evidence and runner names (no secrets in it). */
export function targetUrl(t: Pick<SshTarget, 'user' | 'host' | 'port'>): string {
  const h = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `ssh://${t.user}@${h}:${t.port}`;
}
