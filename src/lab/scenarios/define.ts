// Turns a declarative scenario (backends + an inventory with one fault) into
// a running one: start the backends, write the inventory, validate it with the
// same loader users' files go through, start the reference LB on it, and wait
// until health checks have settled into the fault before handing it over.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { z } from 'zod';
import { LbdError } from '../../errors.js';
import type { InventoryFile } from '../../model/inventory.js';
import { parseInventory } from '../../model/load-inventory.js';
import {
  type HttpBackend,
  type HttpBackendOptions,
  type RunningServer,
  startHttpBackend,
  startTcpBackend,
  startUdpBackend,
  type TcpBackend,
  type TcpBackendOptions,
  type UdpBackend,
  type UdpBackendOptions,
} from '../backends/index.js';
import { closedTcpPort, freeTcpPort, freeUdpPort } from './free-port.js';
import { type ReferenceHandle, startLabReference, waitForHealth } from './reference.js';
import type {
  LabListener,
  PreparedScenario,
  RunningScenario,
  Scenario,
  ScenarioStartOptions,
} from './types.js';

/** An inventory file as a user writes it (defaults may be left out). */
export type InventoryFileInput = z.input<typeof InventoryFile>;
type SingleInventoryInput = Extract<InventoryFileInput, { loadbalancer: unknown }>;
export type PoolInput = NonNullable<SingleInventoryInput['pools']>[number];
export type MemberInput = NonNullable<PoolInput['members']>[number];

/** What a scenario's build step gets: backends it starts are closed with the scenario. */
export interface BuildContext {
  readonly host: string;
  /** A private directory (access logs and the like), removed when the scenario closes. */
  readonly workDir: string;
  http(options?: HttpBackendOptions): Promise<HttpBackend>;
  tcp(options?: TcpBackendOptions): Promise<TcpBackend>;
  udp(options?: UdpBackendOptions): Promise<UdpBackend>;
  freeTcpPort(): Promise<number>;
  freeUdpPort(): Promise<number>;
  /** A TCP port where nothing listens, nor will while the scenario runs (a member that refuses). */
  closedTcpPort(): Promise<number>;
  /** A pool member pointing at a backend. */
  member(backend: RunningServer & { name?: string }, extra?: Partial<MemberInput>): MemberInput;
}

export interface ScenarioBuild {
  /** The inventory (single load balancer form); `loadbalancer` and `reference` are filled in when absent. */
  inventory: Omit<SingleInventoryInput, 'loadbalancer'> & {
    loadbalancer?: SingleInventoryInput['loadbalancer'];
  };
  /** Health every pool's members must have reached before the fault counts as in place. */
  settle?: Readonly<Record<string, 'healthy' | 'unhealthy'>>;
  /** Traffic that leaves the evidence of the fault behind (e.g. 499 lines in the access log), run once it is up. */
  warmUp?: (listeners: readonly LabListener[]) => Promise<void>;
}

export type ScenarioDefinition = Omit<Scenario, 'start' | 'prepare'> & {
  build(ctx: BuildContext): Promise<ScenarioBuild>;
};

export function defineScenario(def: ScenarioDefinition): Scenario {
  const { build, ...meta } = def;
  return {
    ...meta,
    prepare: async (options) => {
      const { prepared } = await prepareScenario(def, options?.host ?? '127.0.0.1');
      return prepared;
    },
    start: (options) => startScenario(def, options ?? {}),
  };
}

/** The listener most scenarios put in front of their pool: HTTP "web" on a free port, to "web-pool". */
export async function webListener(ctx: Pick<BuildContext, 'freeTcpPort'>) {
  return {
    name: 'web',
    protocol: 'HTTP',
    protocol_port: await ctx.freeTcpPort(),
    default_pool_id: 'web-pool',
  } as const;
}

/** The HTTPS listener "https" in front of "web-pool", presenting the certificate "listener-cert". */
export async function httpsListener(ctx: Pick<BuildContext, 'freeTcpPort'>) {
  return {
    name: 'https',
    protocol: 'HTTPS',
    protocol_port: await ctx.freeTcpPort(),
    default_pool_id: 'web-pool',
    default_tls_container_ref: 'listener-cert',
  } as const;
}

/** Health checks that settle within a second or two: labs should be quick to start. */
export const quickHttpCheck = {
  type: 'HTTP',
  delay: 1,
  timeout: 1,
  max_retries: 1,
  url_path: '/health',
} as const;

/** The pool most scenarios use: HTTP "web-pool" with the quick HTTP health check on /health. */
export function webPool(members: MemberInput[], pool: Partial<PoolInput> = {}) {
  return { id: 'web-pool', protocol: 'HTTP', healthmonitor: quickHttpCheck, members, ...pool } as const;
}

/**
 * The most common scenario shape: the "web" listener in front of "web-pool"
 * (quick HTTP health check on /health), started once every member is healthy.
 * `pool` adds or overrides pool fields (algorithm, stickiness, …).
 */
export async function healthyWebPool(
  ctx: Pick<BuildContext, 'freeTcpPort'>,
  members: MemberInput[],
  pool: Partial<PoolInput> = {},
): Promise<ScenarioBuild> {
  return {
    inventory: {
      listeners: [await webListener(ctx)],
      pools: [webPool(members, pool)],
    },
    settle: { 'web-pool': 'healthy' },
  };
}

async function prepareScenario(
  def: ScenarioDefinition,
  host: string,
): Promise<{ prepared: PreparedScenario; built: ScenarioBuild }> {
  const started: RunningServer[] = [];
  const workDir = await mkdtemp(join(tmpdir(), `lbdoctor-lab-${def.id}-`));
  const track = <T extends RunningServer>(server: T): T => {
    started.push(server);
    return server;
  };
  const ctx: BuildContext = {
    host,
    workDir,
    http: async (o = {}) => track(await startHttpBackend({ host, ...o })),
    tcp: async (o = {}) => track(await startTcpBackend({ host, ...o })),
    udp: async (o = {}) => track(await startUdpBackend({ host, ...o })),
    freeTcpPort: () => freeTcpPort(host),
    freeUdpPort: () => freeUdpPort(host),
    closedTcpPort: () => closedTcpPort(host),
    member: (backend, extra = {}) => ({
      ...(backend.name ? { name: backend.name } : {}),
      address: backend.address,
      protocol_port: backend.port,
      ...extra,
    }),
  };
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= Promise.all(started.map((s) => s.close())).then(() =>
      rm(workDir, { recursive: true, force: true }),
    );
    return closing;
  };
  try {
    const built = await def.build(ctx);
    const file: SingleInventoryInput = {
      ...built.inventory,
      loadbalancer: built.inventory.loadbalancer ?? {
        name: `lab-${def.id}`,
        type: 'dedicated',
        vip_address: host,
      },
      reference: { admin_port: await freeTcpPort(host), admin_address: host, ...built.inventory.reference },
    };
    const inventoryYaml = [
      `# lbdoctor lab scenario "${def.id}": ${def.title} (FAQ ${def.faq}).`,
      `# Diagnose: lbdoctor run ${def.playbook} --inventory THIS_FILE (expected conclusion: ${def.conclusion})`,
      stringify(file),
    ].join('\n');
    const inventory = parseInventory(inventoryYaml, `<lab scenario ${def.id}>`);
    return { prepared: { id: def.id, inventory, inventoryYaml, close }, built };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Ports are picked free, then bound by the reference LB a moment later: another
 * process (tests run in parallel) can take one in between. A port found in use
 * is such a race, not a fault of the scenario: build again with new ports.
 */
async function startScenario(
  def: ScenarioDefinition,
  options: ScenarioStartOptions,
): Promise<RunningScenario> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startScenarioOnce(def, options);
    } catch (err) {
      if (!(err instanceof LbdError && err.code === 'LBD_ERR_PORT_IN_USE') || attempt >= 3) throw err;
    }
  }
}

async function startScenarioOnce(
  def: ScenarioDefinition,
  options: ScenarioStartOptions,
): Promise<RunningScenario> {
  const { prepared, built } = await prepareScenario(def, options.host ?? '127.0.0.1');
  let reference: ReferenceHandle | undefined;
  try {
    reference = await startLabReference(prepared.inventory, options.logger);
    const handle = reference;
    await waitForHealth(handle, built.settle ?? {}, options.readyTimeoutMs ?? 15_000, def.id);
    const listeners: LabListener[] = handle.listeners.map((l) => ({
      name: l.name,
      protocol: l.protocol,
      address: l.address,
      port: l.port,
      url: `${l.protocol.toLowerCase()}://${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`,
    }));
    await built.warmUp?.(listeners);
    let closing: Promise<void> | undefined;
    return {
      id: def.id,
      inventory: prepared.inventory,
      inventoryYaml: prepared.inventoryYaml,
      listeners,
      admin: handle.admin ? { url: handle.admin.url } : null,
      close() {
        closing ??= (async () => {
          await handle.close();
          await prepared.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await reference?.close().catch(() => {});
    await prepared.close();
    if (err instanceof LbdError) throw err;
    throw new LbdError(
      'LBD_ERR_INTERNAL',
      `lab scenario ${def.id} did not start: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
