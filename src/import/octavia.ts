// OpenStack Octavia, whose model ELB v3 derives from: a folder of what the
// operator saved with the OpenStack CLI, one command per file, `-f json`
// (`loadbalancer show`, `listener list`/`show`, `pool show`, `member list`,
// `healthmonitor show`, `l7policy show`, `l7rule list`). Each file is
// recognised by the fields it holds and joined by the ids it carries (a
// load balancer's listeners and pools, a pool's members and healthmonitor_id,
// a listener's default_pool_id): no file names or wrapper to learn.
import { InputError } from '../errors.js';
import { convertFields, type FieldTable, msToSeconds } from './convert.js';
import type { ImportNotes } from './notes.js';
import { OCTAVIA_FIELDS } from './octavia-fields.js';
import type { SourceDocument } from './read-sources.js';
import { emptySet, type V3Kind, type V3Set } from './v3-set.js';
import { type ApiObject, ids, isObject, str } from './values.js';

const STATE = [
  'created_at',
  'updated_at',
  'description',
  'project_id',
  'tenant_id',
  'provisioning_status',
  'tags',
];

const TABLES: Partial<Record<V3Kind, FieldTable>> = {
  loadbalancers: {
    rename: { ...OCTAVIA_FIELDS.loadbalancers, listeners: 'listeners', pools: 'pools' },
    bookkeeping: [
      ...STATE,
      'operating_status',
      'provider',
      'flavor_id',
      'vip_network_id',
      'vip_port_id',
      'vip_subnet_id',
      'vip_qos_policy_id',
      'vip_vnic_type',
      'vip_sg_ids',
    ],
  },
  listeners: {
    rename: {
      ...OCTAVIA_FIELDS.listeners,
      default_pool_id: 'default_pool_id',
      loadbalancers: 'loadbalancers',
      loadbalancer_id: 'loadbalancer_id',
    },
    bookkeeping: [...STATE, 'operating_status', 'l7policies', 'client_authentication', 'connection_limit'],
  },
  pools: {
    rename: {
      ...OCTAVIA_FIELDS.pools,
      lb_algorithm: 'lb_algorithm',
      session_persistence: 'session_persistence',
      members: 'members',
      healthmonitor_id: 'healthmonitor_id',
      listeners: 'listeners',
      listener_id: 'listener_id',
      loadbalancers: 'loadbalancers',
      loadbalancer_id: 'loadbalancer_id',
    },
    bookkeeping: [...STATE, 'operating_status'],
  },
  members: {
    rename: { ...OCTAVIA_FIELDS.members, operating_status: 'operating_status', pool_id: 'pool_id' },
    bookkeeping: [...STATE, 'subnet_id', 'vnic_type'],
  },
  healthmonitors: {
    rename: { ...OCTAVIA_FIELDS.healthmonitors, pools: 'pools', pool_id: 'pool_id' },
    bookkeeping: [...STATE, 'operating_status'],
  },
  l7policies: {
    rename: {
      ...OCTAVIA_FIELDS.l7policies,
      listener_id: 'listener_id',
      redirect_pool_id: 'redirect_pool_id',
      rules: 'rules',
    },
    bookkeeping: [...STATE, 'operating_status'],
  },
  l7rules: {
    rename: { ...OCTAVIA_FIELDS.l7rules, l7policy_id: 'l7policy_id' },
    bookkeeping: [...STATE, 'operating_status', 'admin_state_up'],
  },
};

/** Octavia names for the same protocols, where they differ from ELB's. */
const LISTENER_PROTOCOL: Record<string, string> = { TERMINATED_HTTPS: 'HTTPS' };
const MONITOR_TYPE: Record<string, string> = { 'UDP-CONNECT': 'UDP_CONNECT' };

/** One Octavia resource (as the CLI or API prints it) in ELB v3 terms. */
export function octaviaToV3(kind: V3Kind, o: ApiObject, where: string, notes: ImportNotes): ApiObject {
  const table = TABLES[kind];
  if (!table) return o;
  return fixOctaviaValues(kind, convertFields(kind, o, table, where, notes, 'Octavia'), where, notes);
}

/**
 * Octavia values ELB spells differently: protocol names, milliseconds, a CIDR
 * allow-list. Shared with Terraform's OpenStack provider, which takes Octavia's.
 */
export function fixOctaviaValues(kind: V3Kind, v3: ApiObject, where: string, notes: ImportNotes): ApiObject {
  const protocol = str(v3.protocol)?.toUpperCase();
  if (kind === 'listeners') {
    if (protocol === 'HTTPS') {
      // Octavia's HTTPS listener passes TLS through untouched: a TCP listener to ELB.
      notes.add('assumed', 'Octavia HTTPS (TLS pass-through) listener', 'imported as TCP', where);
      v3.protocol = 'TCP';
    } else if (protocol) v3.protocol = LISTENER_PROTOCOL[protocol] ?? protocol;
    // Octavia's inactivity timeouts are milliseconds; ELB's idle and response timeouts seconds.
    v3.keepalive_timeout = msToSeconds(
      v3.timeout_client_data,
      [0, 4000],
      'Octavia listener field timeout_client_data',
      where,
      notes,
    );
    v3.member_timeout = msToSeconds(
      v3.timeout_member_data,
      [1, 300],
      'Octavia listener field timeout_member_data',
      where,
      notes,
    );
    delete v3.timeout_client_data;
    delete v3.timeout_member_data;
    const cidrs = ids(v3.allowed_cidrs);
    if (cidrs.length) v3.ipgroup = { type: 'white', ip_list: cidrs, enable_ipgroup: true };
    delete v3.allowed_cidrs;
  }
  if (kind === 'pools' && (protocol === 'PROXY' || protocol === 'PROXYV2')) {
    notes.add(
      'assumed',
      `Octavia ${protocol} pool`,
      'imported as TCP (the PROXY header is not modelled)',
      where,
    );
    v3.protocol = 'TCP';
  }
  if (kind === 'healthmonitors') {
    const type = str(v3.type)?.toUpperCase();
    if (type) v3.type = MONITOR_TYPE[type] ?? type;
  }
  return v3;
}

/** Which `openstack loadbalancer … -f json` output an object is, by the fields it holds. */
function kindOf(o: ApiObject): V3Kind | undefined {
  if ('lb_algorithm' in o) return 'pools';
  if ('vip_address' in o || 'vip_port_id' in o) return 'loadbalancers';
  if ('delay' in o && 'max_retries' in o) return 'healthmonitors';
  if ('compare_type' in o) return 'l7rules';
  if ('action' in o && 'listener_id' in o) return 'l7policies';
  if ('address' in o && 'protocol_port' in o) return 'members';
  if ('protocol' in o && 'protocol_port' in o) return 'listeners';
  return undefined;
}

const EXPECTED =
  'the JSON the OpenStack CLI prints with -f json for loadbalancer show, listener list/show, pool show, member list, healthmonitor show, l7policy show or l7rule list';

export function collectOctavia(docs: readonly SourceDocument[], notes: ImportNotes): V3Set {
  const set = emptySet();
  for (const { file, value } of docs) {
    const items = Array.isArray(value) ? value : [value];
    // An empty list is a real answer (`member list` of an empty pool): nothing in it to read.
    if (Array.isArray(value) && value.length === 0) continue;
    items.forEach((o, i) => {
      const kind = isObject(o) ? kindOf(o) : undefined;
      if (!isObject(o) || !kind) {
        const keys = isObject(o) ? Object.keys(o).slice(0, 6).join(', ') : typeof o;
        throw new InputError(
          `${file} is not a saved Octavia CLI output`,
          [
            {
              file,
              ...(Array.isArray(value) ? { field: `[${i}]` } : {}),
              message: `an object with ${keys || 'no fields'}: not a load balancer, listener, pool, member, health monitor or L7 resource`,
              expected: EXPECTED,
            },
          ],
          'save each command as `openstack loadbalancer … -f json > FILE.json`',
        );
      }
      const where = Array.isArray(value) ? `${file}[${i}]` : file;
      set[kind].push({ obj: octaviaToV3(kind, o, where, notes), where });
    });
  }
  return set;
}
