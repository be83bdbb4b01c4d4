// A lab scenario: the reference load balancer plus local backends with one
// known FAQ fault, and the inventory that describes it. The playbook id and
// conclusion id say what lbdoctor must find when it is pointed at it (they
// are a contract with playbooks/, see FAQ-MAP.md).
import type { Inventory, ListenerProtocol } from '../../model/inventory.js';
import type { ReferenceLogger } from '../../reference/types.js';
import type { LabSupport } from '../netns.js';

export interface ScenarioStartOptions {
  /** Where backends and listeners bind. Default 127.0.0.1. (Host scenarios bind their lab hosts' addresses.) */
  host?: string;
  /** Reference LB logs (health changes etc.). Default: silent. */
  logger?: ReferenceLogger;
  /** How long to wait for health checks to settle into the fault. Default 15 s. */
  readyTimeoutMs?: number;
}

export interface LabListener {
  name: string;
  protocol: ListenerProtocol;
  address: string;
  port: number;
  /** `http://127.0.0.1:PORT` for HTTP(S), `tcp://…`/`udp://…` otherwise. */
  url: string;
}

/** A lab host of a host scenario (a network namespace on the lab bridge). */
export interface LabHostInfo {
  name: string;
  address: string;
  /** `ip netns exec NS sh` opens a shell on it. */
  ns: string;
}

/** Backends running and the inventory written; the load balancer not started yet. */
export interface PreparedScenario {
  readonly id: string;
  readonly inventory: Inventory;
  readonly inventoryYaml: string;
  /** Stops the backends. Idempotent. */
  close(): Promise<void>;
}

export interface RunningScenario {
  readonly id: string;
  readonly inventory: Inventory;
  /** The same inventory as a YAML file's text (what `--inventory-out` writes). */
  readonly inventoryYaml: string;
  readonly listeners: readonly LabListener[];
  readonly admin: { url: string } | null;
  /**
   * Arguments a user must add to `lbdoctor run` on this inventory, e.g.
   * `['--known-hosts', FILE]` for the lab hosts' SSH host keys.
   */
  readonly runArgs?: readonly string[];
  /** Host scenarios: the lab hosts (the load balancer's and the members'). */
  readonly hosts?: readonly LabHostInfo[];
  /** Stops the reference LB, then the backends. Idempotent. */
  close(): Promise<void>;
}

/** The request that shows the fault (what `lbdoctor demo` and tests send). */
export interface SymptomRequest {
  listener: string;
  path: string;
  host?: string;
  /** What comes back while the fault is in place, in words. */
  expect: string;
}

export interface Scenario {
  /** kebab-case, stable. */
  readonly id: string;
  readonly title: string;
  /** FAQ section(s), e.g. "1.6". */
  readonly faq: string;
  /** The playbook that diagnoses it (FAQ-MAP.md). */
  readonly playbook: string;
  /** The conclusion that playbook must reach on it. */
  readonly conclusion: string;
  /**
   * Other warn/error conclusions the same run may rightly reach alongside it
   * (a per-member finding under a pool-wide one, say). Anything else that
   * warns or fails is a wrong answer; a scenario whose conclusion is info (a
   * healthy twin) may reach no warn/error finding at all.
   */
  readonly alsoFinds?: readonly string[];
  readonly symptom: SymptomRequest;
  /**
   * Whether this machine can run it (host scenarios need root, `ip netns`,
   * sshd and the tools their faults use); absent: it always can.
   */
  support?(): Promise<LabSupport>;
  /** Backends, inventory and the reference LB, with the fault in place. */
  start(options?: ScenarioStartOptions): Promise<RunningScenario>;
  /** Only the backends and the inventory (to run another load balancer on it, or to check the inventory). */
  prepare(options?: Pick<ScenarioStartOptions, 'host'>): Promise<PreparedScenario>;
}
