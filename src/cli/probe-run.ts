// The body of `lbdoctor probe`: load the probe from the one registry, build
// its parameters, pick the vantage, run it under a timeout, print the
// observation. Loaded lazily by commands/probe.ts.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { localDialer } from '../transport/dialers/local.js';
import { withFollowUps } from '../probes/host-probe-support.js';
import { loadProbe } from '../probes/registry.js';
import type { Observation, Probe, ProbeContext } from '../probes/types.js';
import type { Inventory } from '../model/inventory.js';
import type { Vantage, VantageProvider } from '../runners/types.js';
import { SecretSet } from '../reporters/redact.js';
import { parseDuration } from './options.js';
import { buildProbeParams } from './probe-params.js';

export interface ProbeCommandFlags {
  target?: string;
  with?: string[];
  url?: string;
  header?: string[];
  servername?: string;
  expectStatus?: string;
  ca?: string;
  timeout: string;
  format: string;
  host?: string;
  inventory?: string;
  knownHosts?: string;
  sshConfig?: string;
  sshHostKeyCheck?: string;
  identity?: string;
}

export const OUTCOME_EXIT: Record<Observation['outcome'], number> = { pass: 0, fail: 1, error: 3, skip: 3 };

function headerRecord(lines: readonly string[] | undefined): Record<string, string> | undefined {
  if (!lines?.length) return undefined;
  const out: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    // The value may be a credential: an error names the header, never echoes it.
    if (colon <= 0)
      throw new UsageError(
        `--header "${headerNameOf(line)}…" is not "Name: value"`,
        'write e.g. --header "X-Debug: 1"',
      );
    out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** The first word of a --header argument that is not "Name: value" (its rest may be a credential). */
function headerNameOf(line: string): string {
  return (/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}/.exec(line.trim())?.[0] ?? '').slice(0, 64);
}

async function readCa(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--ca ${path}: ${(err as Error).message}`,
      'give a readable PEM file',
      'LBD_ERR_FILE',
    );
  }
}

/**
 * `--host`: a host of `--inventory` by name, else an SSH reach written inline
 * (`ssh://user@host:port` or a ~/.ssh/config alias), which becomes a
 * one-host inventory so every SSH rule (known_hosts, config, keys) applies.
 */
async function remoteVantage(
  flags: ProbeCommandFlags,
  timeoutMs: number,
  signal: AbortSignal,
  secrets: SecretSet,
): Promise<{ provider: VantageProvider; vantage: Vantage }> {
  const host = flags.host!;
  let inventory: Inventory;
  if (flags.inventory) {
    const { loadInventory } = await import('../model/load-inventory.js');
    inventory = await loadInventory(flags.inventory);
  } else {
    inventory = { loadbalancers: [], hosts: {}, client: null, certificates: [], reference: null };
  }
  if (!Object.hasOwn(inventory.hosts, host)) {
    if (/\s/.test(host) || host.startsWith('-')) {
      throw new UsageError(
        `--host "${host}" is not an SSH reach`,
        'write e.g. --host ssh://root@10.0.0.5:22',
      );
    }
    inventory = { ...inventory, hosts: { ...inventory.hosts, [host]: { ssh: host } } };
  }
  secrets.addInventory(inventory, process.env);
  const { createVantages } = await import('./vantage-setup.js');
  const provider = await createVantages(
    inventory,
    {
      ...(flags.knownHosts ? { knownHosts: flags.knownHosts } : {}),
      ...(flags.sshConfig ? { sshConfig: flags.sshConfig } : {}),
      ...(flags.identity ? { identity: flags.identity } : {}),
      sshHostKeyCheck: flags.sshHostKeyCheck === 'accept-new' ? 'accept-new' : 'strict',
    } as Parameters<typeof createVantages>[1],
    timeoutMs,
    signal,
  );
  try {
    return { provider, vantage: await provider.forHost(host, signal) };
  } catch (err) {
    await provider.close();
    throw err;
  }
}

export async function runProbeCommand(kind: string, flags: ProbeCommandFlags): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') {
    throw new UsageError(
      `unknown format "${flags.format}"`,
      'use --format text or --format json',
      'LBD_ERR_UNKNOWN_FORMAT',
    );
  }
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const probe: Probe<unknown> = await loadProbe(kind);
  const params = buildProbeParams(kind, probe.params, {
    ...(flags.target === undefined ? {} : { target: flags.target }),
    ...(flags.with === undefined ? {} : { with: flags.with }),
    named: {
      url: flags.url,
      headers: headerRecord(flags.header),
      servername: flags.servername,
      expect: flags.expectStatus === undefined ? undefined : { status: flags.expectStatus },
      ca: await readCa(flags.ca),
    },
  });

  // Everything the user gave that is a secret (credential headers, cookie
  // values, URL passwords, and with --host the passwords its inventory
  // names) is kept out of the output, wherever the answer echoes it.
  const secrets = new SecretSet().addParams(params).addUrl(flags.url ?? '');
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new DOMException('interrupted', 'AbortError'));
  process.once('SIGINT', onSigint);
  let provider: VantageProvider | undefined;
  try {
    let ctx: ProbeContext;
    if (flags.host !== undefined && flags.host !== 'local') {
      const remote = await remoteVantage(flags, timeoutMs, controller.signal, secrets);
      provider = remote.provider;
      ctx = {
        signal: controller.signal,
        timeoutMs,
        dialer: remote.vantage.dialer,
        host: remote.vantage.host,
      };
    } else {
      ctx = { signal: controller.signal, timeoutMs, dialer: localDialer };
      if (probe.needs === 'host') ctx.host = await localHostReader(timeoutMs);
    }
    const started = performance.now();
    const observation = await runOne(probe, params, ctx);
    observation.durationMs ||= performance.now() - started;
    await print(kind, ctx.dialer.vantage, params, observation, flags.format, secrets);
    return OUTCOME_EXIT[observation.outcome];
  } finally {
    process.off('SIGINT', onSigint);
    await provider?.close();
  }
}

async function localHostReader(timeoutMs: number): Promise<ProbeContext['host']> {
  const [{ LocalRunner }, { createBatchReader }] = await Promise.all([
    import('../runners/local.js'),
    import('../runners/batch.js'),
  ]);
  return createBatchReader(new LocalRunner(), { host: 'local', timeoutMs });
}

/** Runs a probe of either kind; a host that cannot be read is an `error` observation, not a crash. */
export async function runOne(
  probe: Probe<unknown>,
  params: unknown,
  ctx: ProbeContext,
): Promise<Observation> {
  if (probe.needs === 'network') return probe.run(params, ctx);
  const started = performance.now();
  if (!ctx.host) {
    return {
      outcome: 'skip',
      summary: `${probe.kind} needs a host to read`,
      reason: 'no host reader for this vantage',
      data: {},
      durationMs: 0,
    };
  }
  try {
    const host = ctx.host;
    const first = await host.read(probe.sections(params), ctx.signal);
    const outputs = await withFollowUps(probe, params, first, (more) => host.read(more, ctx.signal));
    return probe.evaluate(params, outputs);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    return {
      outcome: 'error',
      summary: `could not read ${ctx.host.host}: ${message}`,
      reason: message,
      data: {},
      durationMs: performance.now() - started,
    };
  }
}

async function print(
  kind: string,
  vantage: string,
  params: unknown,
  o: Observation,
  format: string,
  secrets: SecretSet,
): Promise<void> {
  // Secrets never reach the terminal (DESIGN: cookies, Authorization, keys):
  // the reports' redaction, by value and by shape. Nor do control sequences a
  // host sent: text shows them as escapes, JSON escapes them.
  const [{ redactValue }, { escapeJsonControls, visible }] = await Promise.all([
    import('../reporters/redact.js'),
    import('../reporters/visible.js'),
  ]);
  const payload = { kind, vantage, params: abbreviatePem(params), observation: o };
  const clean = redactValue(payload, secrets) as typeof payload;
  if (format === 'json') {
    process.stdout.write(`${escapeJsonControls(JSON.stringify(clean, null, 2))}\n`);
    return;
  }
  const r = clean.observation;
  // Fitted to the terminal (80 columns when piped), each value hanging under its label.
  const { hang, REPORT_WIDTH } = await import('../reporters/wrap.js');
  const width = (process.stdout.isTTY && process.stdout.columns) || REPORT_WIDTH;
  const field = (label: string, value: string) => hang(`  ${label}: `, value, width, 4);
  const lines = hang(`${r.outcome.toUpperCase()}  ${kind}: `, r.summary, width, 2);
  if (r.reason && r.reason !== r.summary) lines.push(...field('reason', r.reason));
  if (r.expected !== undefined) lines.push(...field('expected', String(r.expected)));
  if (r.actual !== undefined) lines.push(...field('actual', String(r.actual)));
  for (const [k, v] of Object.entries(r.data)) {
    if (v === undefined || k === 'body') continue;
    // A list reads one item to a line, a flat object one entry to a line; anything else as JSON, wrapped.
    const flat = (x: unknown) => x === null || ['string', 'number', 'boolean'].includes(typeof x);
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'))
      lines.push(`  ${k}:`, ...v.flatMap((x) => hang('    - ', x, width, 6)));
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(flat))
      lines.push(
        `  ${k}:`,
        ...Object.entries(v).flatMap(([name, x]) => hang(`    ${name}: `, String(x), width, 6)),
      );
    else lines.push(...field(k, typeof v === 'string' ? v : JSON.stringify(v)));
  }
  if (typeof r.data.body === 'string' && r.data.body.length > 0) {
    lines.push(
      '  body:',
      ...r.data.body
        .split('\n')
        .slice(0, 20)
        .flatMap((l) => hang('    ', l, width)),
    );
  }
  process.stdout.write(`${visible(lines.join('\n'))}\n`);
}

/** A CA bundle given as a parameter is summarised, not echoed. */
function abbreviatePem(params: unknown): unknown {
  if (params === null || typeof params !== 'object') return params;
  const out: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  if (typeof out.ca === 'string') out.ca = `<PEM, ${out.ca.length} bytes>`;
  return out;
}
