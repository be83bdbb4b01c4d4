// Parses kernel parameters as `sysctl KEY…` prints them ("key = value", procps
// and busybox alike) or as `grep -H '' /proc/sys/…` prints them ("path:value"),
// the fallback the batched read uses when sysctl is not installed.

/** Values keyed by dotted name; whitespace inside a value (ip_local_port_range's tab) becomes one space. */
export function parseSysctl(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const proc = /^\/proc\/sys\/([^:\s]+):(.*)$/.exec(line);
    if (proc) {
      values[proc[1]!.replaceAll('/', '.')] = proc[2]!.trim().replace(/\s+/g, ' ');
      continue;
    }
    const kv = /^\s*([A-Za-z0-9_./-]+)\s*=\s*(.*)$/.exec(line);
    if (kv) values[kv[1]!.replaceAll('/', '.')] = kv[2]!.trim().replace(/\s+/g, ' ');
  }
  return values;
}

/**
 * Keys sysctl said it does not know: procps-ng ("cannot stat /proc/sys/…"),
 * older procps ("error: 'key' is an unknown key"), and the grep fallback ("No such file").
 */
export function parseSysctlMissing(stderr: string): string[] {
  const missing: string[] = [];
  for (const line of stderr.split('\n')) {
    const stat = /cannot stat \/proc\/sys\/(\S+?):/.exec(line);
    if (stat) {
      missing.push(stat[1]!.replaceAll('/', '.'));
      continue;
    }
    const unknown = /error: ['"]([^'"]+)['"] is an unknown key/.exec(line);
    if (unknown) {
      missing.push(unknown[1]!);
      continue;
    }
    const grep = /^grep: \/proc\/sys\/(\S+?): No such file/.exec(line);
    if (grep) missing.push(grep[1]!.replaceAll('/', '.'));
  }
  return missing;
}

/** Integer value of a key, or undefined when absent or not a number. */
export function sysctlNumber(values: Record<string, string>, key: string): number | undefined {
  const v = values[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}
