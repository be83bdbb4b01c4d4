// The fixed allow-list of host reads. A host probe asks for sections by id;
// only the commands written here can ever run on a host, every one of them
// read-only, and every argument is validated here and quoted by shellQuote
// (src/runners/quote.ts) before it reaches a shell. DESIGN.md "Read-only, always".
import { InputError } from '../errors.js';
import {
  allowedConfigDir,
  allowedConfigFile,
  allowedNamePattern,
  CONFIG_PART_BYTES,
  safePath,
} from '../transport/config-files.js';
import type { SectionRequest } from '../transport/types.js';

/** One way to produce a section; tried in order, the first whose program is installed runs. */
export type Argv = readonly string[];

interface ArgRule {
  readonly name: string;
  readonly expected: string;
  readonly test: (value: string) => boolean;
}

export interface SectionSpec {
  readonly id: string;
  readonly summary: string;
  /** Positional argument rules; `variadic` repeats the last rule (at least one value). */
  readonly args: readonly ArgRule[];
  readonly variadic?: boolean;
  /** Alternatives: the first whose argv[0] exists on the host runs (e.g. ss, else netstat). */
  readonly commands: (args: readonly string[]) => readonly Argv[];
}

// Kernel parameter names as sysctl writes them: net.ipv4.icmp_ratemask, net.ipv4.conf.eth0.rp_filter.
const SYSCTL_KEY = /^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+$/;
/** Access logs: under /var/log, or a file whose name says it is a log. */
function allowedLogFile(p: string): boolean {
  if (!safePath(p)) return false;
  const base = p.slice(p.lastIndexOf('/') + 1);
  return p.startsWith('/var/log/') || /access/i.test(base) || /\.log(\.\d+)?$/.test(base);
}

const sysctlKeyRule: ArgRule = {
  name: 'key',
  expected: 'a kernel parameter name such as net.ipv4.icmp_ratemask',
  test: (v) => SYSCTL_KEY.test(v) && v.length <= 200,
};

const configPathRule: ArgRule = {
  name: 'path',
  expected:
    'an absolute path of /etc/hosts.allow, /etc/hosts.deny, or an nginx/Apache/Tomcat configuration file (no "..", no spaces)',
  test: allowedConfigFile,
};

const configDirRule: ArgRule = {
  name: 'dir',
  expected: 'an absolute path of a folder of nginx/Apache configuration files (no "..", no spaces)',
  test: allowedConfigDir,
};

const namePatternRule: ArgRule = {
  name: 'pattern',
  expected: 'a file-name wildcard such as *.conf (letters, digits, "_.-*?[]!"; no "/")',
  test: allowedNamePattern,
};

const logPathRule: ArgRule = {
  name: 'path',
  expected: 'an absolute path of a log file (under /var/log, or named *.log or *access*; no "..", no spaces)',
  test: allowedLogFile,
};

const lineCountRule: ArgRule = {
  name: 'lines',
  expected: 'a whole number of lines from 1 to 100000',
  test: (v) => /^[1-9][0-9]{0,5}$/.test(v) && Number(v) <= 100000,
};

const pingHostRule: ArgRule = {
  name: 'host',
  expected: 'an IP address or host name (letters, digits, ".", ":", "-", "_"; not starting with "-")',
  test: (v) => /^[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,252}$/.test(v),
};

const smallCountRule = (name: string, max: number): ArgRule => ({
  name,
  expected: `a whole number from 1 to ${max}`,
  test: (v) => /^[1-9][0-9]?$/.test(v) && Number(v) <= max,
});

function section(spec: SectionSpec): SectionSpec {
  return spec;
}

/** Every read lbdoctor can make on a host. Nothing here changes the host. */
export const SECTIONS = {
  sysctl: section({
    id: 'sysctl',
    summary: 'kernel parameters (sysctl KEY…, or grep of /proc/sys when sysctl is missing)',
    args: [sysctlKeyRule],
    variadic: true,
    commands: (keys) => [
      ['sysctl', ...keys],
      ['grep', '-H', '', ...keys.map((k) => `/proc/sys/${k.replaceAll('.', '/')}`)],
    ],
  }),
  'ip-route': section({
    id: 'ip-route',
    summary: 'IPv4 main routing table (ip route, or route -n)',
    args: [],
    commands: () => [
      ['ip', '-4', 'route', 'show', 'table', 'main'],
      ['route', '-n'],
    ],
  }),
  'ip-addr': section({
    id: 'ip-addr',
    summary: 'interface addresses (ip -o addr)',
    args: [],
    commands: () => [['ip', '-o', 'addr', 'show']],
  }),
  listening: section({
    id: 'listening',
    summary: 'listening TCP/UDP sockets with processes (ss -ltnup, or netstat -ltnup)',
    args: [],
    commands: () => [
      ['ss', '-ltnup'],
      ['netstat', '-ltnup'],
    ],
  }),
  'iptables-save': section({
    id: 'iptables-save',
    summary: 'IPv4 filter table rules (iptables-save -t filter)',
    args: [],
    commands: () => [['iptables-save', '-t', 'filter']],
  }),
  'ip6tables-save': section({
    id: 'ip6tables-save',
    summary: 'IPv6 filter table rules (ip6tables-save -t filter)',
    args: [],
    commands: () => [['ip6tables-save', '-t', 'filter']],
  }),
  'nft-ruleset': section({
    id: 'nft-ruleset',
    summary: 'nftables ruleset (nft list ruleset)',
    args: [],
    commands: () => [['nft', 'list', 'ruleset']],
  }),
  file: section({
    id: 'file',
    summary: 'one allow-listed configuration file (cat PATH)',
    args: [configPathRule],
    commands: ([path]) => [['cat', path!]],
  }),
  // What a web server's configuration includes (Apache Include/IncludeOptional,
  // nginx include), read a level at a time: the files, cut at a bound, and the
  // names a wildcard matches in one folder (find -name does the wildcard).
  'config-part': section({
    id: 'config-part',
    summary: `the first ${CONFIG_PART_BYTES} bytes of a configuration file another includes (head -c N PATH)`,
    args: [configPathRule],
    commands: ([path]) => [['head', '-c', String(CONFIG_PART_BYTES), path!]],
  }),
  'config-glob': section({
    id: 'config-glob',
    summary:
      'the files of a configuration folder a wildcard include names (find DIR -maxdepth 1 -name PATTERN)',
    args: [configDirRule, namePatternRule],
    commands: ([dir, pattern]) => [
      ['find', dir!, '-mindepth', '1', '-maxdepth', '1', '-name', pattern!, '!', '-type', 'd'],
    ],
  }),
  'nginx-config': section({
    id: 'nginx-config',
    summary: 'the effective nginx configuration (nginx -T; reads, changes nothing)',
    args: [],
    commands: () => [['nginx', '-T']],
  }),
  // ICMP echo from the host itself (FAQ 2.4: UDP health checks ping first). Sends a few echo requests; changes nothing.
  ping: section({
    id: 'ping',
    summary: 'ICMP echo from this host (ping -c COUNT -W WAIT -n HOST)',
    args: [pingHostRule, smallCountRule('count', 20), smallCountRule('wait', 30)],
    commands: ([host, count, wait]) => [['ping', '-c', count!, '-W', wait!, '-n', host!]],
  }),
  'log-tail': section({
    id: 'log-tail',
    summary: 'the last N lines of a log file (tail -n N PATH)',
    args: [logPathRule, lineCountRule],
    commands: ([path, lines]) => [['tail', '-n', lines!, path!]],
  }),
  loadavg: section({
    id: 'loadavg',
    summary: 'load averages (/proc/loadavg)',
    args: [],
    commands: () => [['cat', '/proc/loadavg']],
  }),
  cpus: section({
    id: 'cpus',
    summary: 'online CPUs (nproc, or getconf)',
    args: [],
    commands: () => [['nproc'], ['getconf', '_NPROCESSORS_ONLN']],
  }),
  meminfo: section({
    id: 'meminfo',
    summary: 'memory (/proc/meminfo)',
    args: [],
    commands: () => [['cat', '/proc/meminfo']],
  }),
  sockstat: section({
    id: 'sockstat',
    summary: 'socket counts incl. TIME_WAIT (/proc/net/sockstat)',
    args: [],
    commands: () => [['cat', '/proc/net/sockstat']],
  }),
  'net-counters': section({
    id: 'net-counters',
    summary: 'TCP extended counters incl. ListenOverflows (/proc/net/netstat)',
    args: [],
    commands: () => [['cat', '/proc/net/netstat']],
  }),
  'conntrack-stats': section({
    id: 'conntrack-stats',
    summary: 'connection tracking statistics (conntrack -S, or /proc/net/stat/nf_conntrack)',
    args: [],
    commands: () => [
      ['conntrack', '-S'],
      ['cat', '/proc/net/stat/nf_conntrack'],
    ],
  }),
  modules: section({
    id: 'modules',
    summary: 'loaded kernel modules (/proc/modules)',
    args: [],
    commands: () => [['cat', '/proc/modules']],
  }),
  'tcp-sockets': section({
    id: 'tcp-sockets',
    summary: 'TCP sockets in every state, numeric (ss -tan, or netstat -tan)',
    args: [],
    commands: () => [
      ['ss', '-tan'],
      ['netstat', '-tan'],
    ],
  }),
  // Every loaded module has a directory here, so it answers when /proc/modules
  // is missing (a kernel built without loadable modules, a masked /proc).
  'sys-module': section({
    id: 'sys-module',
    summary: 'kernel modules in sysfs, loaded and built-in (ls -1 /sys/module)',
    args: [],
    commands: () => [['ls', '-1', '/sys/module']],
  }),
} as const satisfies Record<string, SectionSpec>;

export type SectionId = keyof typeof SECTIONS;

/** Programs any section may run: the test that walks the probe registry checks against this. */
export const ALLOWED_PROGRAMS: ReadonlySet<string> = new Set(
  Object.values(SECTIONS).flatMap((s) => s.commands(s.args.map(() => 'x')).map((argv) => argv[0]!)),
);

export function isSectionId(id: string): id is SectionId {
  return Object.hasOwn(SECTIONS, id);
}

/**
 * Validates a request against the allow-list and returns the argv alternatives.
 * Throws InputError (exit 2) naming the bad argument and what was expected.
 */
export function resolveSection(request: SectionRequest): readonly Argv[] {
  if (!isSectionId(request.id)) {
    throw new InputError(`host read "${request.id}" is not on the allow-list`, [
      {
        message: `unknown host read "${request.id}"`,
        field: 'section',
        expected: Object.keys(SECTIONS).join(', '),
      },
    ]);
  }
  const spec: SectionSpec = SECTIONS[request.id];
  const args = request.args ?? [];
  const fixed = spec.variadic ? spec.args.length - 1 : spec.args.length;
  const countOk = spec.variadic
    ? args.length >= spec.args.length && args.length <= 64
    : args.length === fixed;
  if (!countOk) {
    throw new InputError(
      `host read "${spec.id}" takes ${spec.variadic ? `1 to 64` : fixed} argument(s), got ${args.length}`,
      [
        {
          message: `wrong number of arguments for ${spec.id}`,
          field: `${spec.id}.args`,
          expected: spec.args.map((a) => a.name).join(' ') + (spec.variadic ? '…' : ''),
        },
      ],
    );
  }
  args.forEach((value, i) => {
    const rule = spec.args[Math.min(i, spec.args.length - 1)]!;
    if (typeof value !== 'string' || !rule.test(value)) {
      throw new InputError(`host read "${spec.id}": ${rule.name} ${JSON.stringify(value)} is not allowed`, [
        {
          message: `invalid ${rule.name} ${JSON.stringify(value)}`,
          field: `${spec.id}.args[${i}]`,
          expected: rule.expected,
        },
      ]);
    }
  });
  return spec.commands(args);
}
