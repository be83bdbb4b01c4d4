// The ELB v3 resource model: the one vocabulary shared by inventories, playbook
// facts and the reference load balancer (DESIGN.md "One model"). Field names
// follow the ELB API (snake_case). Objects are strict so a misspelt field is an
// error with its location, not a silently ignored setting.
import { z } from 'zod';
import { isValidCidr, isValidIp } from './net.js';

const cidr = z.string().refine(isValidCidr, { message: 'not a valid IPv4/IPv6 address or CIDR' });
const ipAddress = z.string().refine(isValidIp, { message: 'not a valid IPv4/IPv6 address' });
const port = z.number().int().min(1).max(65535);
const seconds = (min: number, max: number) => z.number().int().min(min).max(max);

export const ListenerProtocol = z.enum(['TCP', 'UDP', 'HTTP', 'HTTPS', 'QUIC']);
export const PoolProtocol = z.enum(['TCP', 'UDP', 'HTTP', 'HTTPS', 'QUIC']);
export const LbAlgorithm = z.enum(['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP']);
export const HealthMonitorType = z.enum(['TCP', 'HTTP', 'HTTPS', 'UDP_CONNECT']);

export const IpGroup = z
  .object({
    type: z.enum(['white', 'black']),
    ip_list: z.array(cidr),
    enable: z.boolean().default(true),
  })
  .strict();

export const SessionPersistence = z
  .object({
    type: z.enum(['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE']),
    cookie_name: z.string().min(1).nullish(),
    /** Minutes, as in the ELB API (default 20, FAQ 3.10). */
    persistence_timeout: z.number().int().min(1).max(1440).default(20),
  })
  .strict();

export const HealthMonitor = z
  .object({
    admin_state_up: z.boolean().default(true),
    type: HealthMonitorType,
    /** Interval between checks, seconds. */
    delay: seconds(1, 50).default(5),
    /** Seconds to wait for one check's answer. */
    timeout: seconds(1, 50).default(3),
    /** Consecutive successes to become healthy (and failures to become unhealthy unless max_retries_down). */
    max_retries: z.number().int().min(1).max(10).default(3),
    max_retries_down: z.number().int().min(1).max(10).nullish(),
    monitor_port: port.nullish(),
    url_path: z.string().startsWith('/').default('/'),
    domain_name: z.string().min(1).nullish(),
    /** e.g. "200", "200,202", "200-204". Null: the load balancer type's default (FAQ 2.8). */
    expected_codes: z
      .string()
      .regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, {
        message: 'expected codes like "200", "200,202" or "200-299"',
      })
      .nullish(),
    http_method: z.enum(['GET', 'HEAD']).default('GET'),
  })
  .strict();

export const Member = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    address: ipAddress,
    protocol_port: port,
    weight: z.number().int().min(0).max(100).default(1),
    subnet_cidr_id: z.string().nullish(),
    /** What the console shows, when the operator knows it. */
    operating_status: z.enum(['ONLINE', 'OFFLINE', 'NO_MONITOR', 'INITIAL']).nullish(),
    admin_state_up: z.boolean().default(true),
  })
  .strict();

export const Pool = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1).optional(),
    protocol: PoolProtocol,
    lb_algorithm: LbAlgorithm.default('ROUND_ROBIN'),
    session_persistence: SessionPersistence.nullish(),
    healthmonitor: HealthMonitor.nullish(),
    members: z.array(Member).default([]),
    /** Seconds a removed member keeps serving its existing connections. */
    deregistration_delay: seconds(0, 3600).nullish(),
    slow_start: z
      .object({ enable: z.boolean(), duration: seconds(30, 1200) })
      .strict()
      .nullish(),
  })
  .strict();

export const Certificate = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    type: z.enum(['server', 'client']).default('server'),
    /** PEM text, or a path (relative to the inventory file) to a PEM file. */
    certificate: z.string().min(1),
    /** PEM text or a path. Never printed. */
    private_key: z.string().min(1).nullish(),
    domain: z.string().nullish(),
  })
  .strict();

export const Listener = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().min(1),
    protocol: ListenerProtocol,
    protocol_port: port.nullish(),
    /** Port-range listeners (TCP/UDP): FAQ 1.3 conflicts. */
    port_ranges: z.array(z.object({ start_port: port, end_port: port }).strict()).nullish(),
    default_pool_id: z.string().min(1).nullish(),
    transparent_client_ip_enable: z.boolean().default(false),
    /** Idle timeout, seconds (FAQ 5.6). */
    keepalive_timeout: seconds(0, 4000).nullish(),
    /** Request (client) timeout, seconds. */
    client_timeout: seconds(1, 300).nullish(),
    /** Response (member) timeout, seconds. */
    member_timeout: seconds(1, 300).nullish(),
    ipgroup: IpGroup.nullish(),
    default_tls_container_ref: z.string().nullish(),
    client_ca_tls_container_ref: z.string().nullish(),
    sni_container_refs: z.array(z.string()).default([]),
    sni_match_algo: z.enum(['wildcard', 'longest_suffix']).default('wildcard'),
    tls_ciphers_policy: z.string().nullish(),
    http2_enable: z.boolean().default(false),
    /** Largest request body, bytes (ELB: 10 GB, FAQ 1.5 413). */
    client_body_limit: z.number().int().min(0).nullish(),
    insert_headers: z.record(z.string(), z.boolean()).nullish(),
  })
  .strict();

export const L7Rule = z
  .object({
    type: z.enum(['HOST_NAME', 'PATH']),
    compare_type: z.enum(['EQUAL_TO', 'STARTS_WITH', 'REGEX']),
    value: z.string().min(1),
  })
  .strict();

export const L7Policy = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    /** The listener's `name` (or `id`). */
    listener: z.string().min(1),
    action: z
      .enum(['REDIRECT_TO_POOL', 'REDIRECT_TO_LISTENER', 'FIXED_RESPONSE'])
      .default('REDIRECT_TO_POOL'),
    redirect_pool_id: z.string().nullish(),
    priority: z.number().int().min(0).default(0),
    rules: z.array(L7Rule).min(1),
  })
  .strict();

export const LoadBalancer = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().min(1),
    type: z.enum(['shared', 'dedicated']),
    vip_address: ipAddress.nullish(),
    vip_subnet_cidr: cidr.nullish(),
    eip: ipAddress.nullish(),
    ip_target_enable: z.boolean().default(false),
    availability_zones: z.array(z.string()).default([]),
  })
  .strict();

/** SSH reach for one member (or the client): ssh://[user@]host[:port] or a ~/.ssh/config Host alias. */
export const HostAccess = z
  .object({
    ssh: z.string().min(1),
    identity_file: z.string().nullish(),
    /** Name of an environment variable holding the password (never the password itself). */
    password_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .nullish(),
  })
  .strict();

export const Client = z
  .object({
    address: ipAddress.nullish(),
    ssh: z.string().min(1).nullish(),
  })
  .strict();

/** Settings only the bundled reference load balancer reads. */
export const ReferenceSettings = z
  .object({
    /** Admin port (status tree, /metrics, runtime changes). Loopback only. */
    admin_port: z.number().int().min(0).max(65535).nullish(),
    admin_address: ipAddress.default('127.0.0.1'),
    /** How many health-checker nodes probe each member (FAQ 2.3, 2.5). */
    checker_nodes: z.number().int().min(1).max(64).default(1),
    access_log: z.string().nullish(),
    /** Bind address for listeners (defaults to the vip_address, else 127.0.0.1). */
    bind_address: ipAddress.nullish(),
  })
  .strict();

export const LoadBalancerEntry = z
  .object({
    loadbalancer: LoadBalancer,
    listeners: z.array(Listener).default([]),
    pools: z.array(Pool).default([]),
    l7policies: z.array(L7Policy).default([]),
  })
  .strict();

const shared = {
  $schema: z.string().optional(),
  hosts: z.record(z.string(), HostAccess).default({}),
  client: Client.nullish(),
  certificates: z.array(Certificate).default([]),
  reference: ReferenceSettings.nullish(),
};

/** What a user writes: one load balancer (shorthand) or several sharing members (FAQ 1.3). */
export const InventoryFile = z.union([
  z.object({ ...LoadBalancerEntry.shape, ...shared }).strict(),
  z.object({ loadbalancers: z.array(LoadBalancerEntry).min(1), ...shared }).strict(),
]);

export type ListenerProtocol = z.infer<typeof ListenerProtocol>;
export type IpGroup = z.infer<typeof IpGroup>;
export type SessionPersistence = z.infer<typeof SessionPersistence>;
export type HealthMonitor = z.infer<typeof HealthMonitor>;
export type Member = z.infer<typeof Member>;
export type Pool = z.infer<typeof Pool>;
export type Listener = z.infer<typeof Listener>;
export type L7Policy = z.infer<typeof L7Policy>;
export type LoadBalancer = z.infer<typeof LoadBalancer>;
export type LoadBalancerEntry = z.infer<typeof LoadBalancerEntry>;
export type Certificate = z.infer<typeof Certificate>;
export type HostAccess = z.infer<typeof HostAccess>;
export type ReferenceSettings = z.infer<typeof ReferenceSettings>;

/** The normalised inventory every consumer reads: always the list form. */
export interface Inventory {
  /** Absolute path of the file it came from, when it came from one. */
  source?: string;
  loadbalancers: LoadBalancerEntry[];
  hosts: Record<string, HostAccess>;
  client: z.infer<typeof Client> | null;
  certificates: Certificate[];
  reference: ReferenceSettings | null;
}

/** A member's display name: its `name`, else `address:port`. */
export function memberName(m: Pick<Member, 'name' | 'address' | 'protocol_port'>): string {
  return m.name ?? `${m.address}:${m.protocol_port}`;
}

/** Defaults from the FAQ, used wherever an inventory leaves a setting out. */
export const ElbDefaults = {
  /** FAQ 5.6: idle timeouts, seconds. */
  keepaliveTimeout: { TCP: 300, UDP: 300, HTTP: 60, HTTPS: 60, QUIC: 60 },
  clientTimeout: 60,
  memberTimeout: 60,
  /** FAQ 1.5: first connection to a member times out after 5 s. */
  memberConnectTimeout: 5,
  /** FAQ 1.5: 413 above 10 GB. */
  clientBodyLimit: 10 * 1024 ** 3,
  /** FAQ 1.5: 400 when the request header section exceeds 64 KB. */
  maxHeaderBytes: 64 * 1024,
  /** FAQ 2.8: codes a health check accepts when expected_codes is not set. */
  healthyCodes: { dedicated: '200', shared: '200,202,401' },
  /** FAQ 2.1/2.2: where health checks come from. */
  sharedHealthCheckCidr: '100.125.0.0/16',
  stickinessMinutes: 20,
} as const;
