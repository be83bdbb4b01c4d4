// One ELB v3 resource to its inventory form, field by field. What has no
// place in the inventory is noted (a field, a whole resource the model cannot
// run, a private key that is never copied), never dropped in silence.
import {
  HealthMonitorType,
  L7Policy,
  L7Rule,
  LbAlgorithm,
  ListenerProtocol,
  Member,
  PoolProtocol,
  SessionPersistence,
} from '../model/inventory.js';
import type { ImportNotes } from './notes.js';
import { BOOKKEEPING, type Sourced, singular, type V3Kind } from './v3-set.js';
import { type ApiObject, bool, defined, ids, int, isObject, isSecretField, says, str } from './values.js';

// What the inventory can say, from its schema: anything else is noted and left out.
const LISTENER_PROTOCOLS = new Set<string>(ListenerProtocol.options);
const POOL_PROTOCOLS = new Set<string>(PoolProtocol.options);
const ALGORITHMS = new Set<string>(LbAlgorithm.options);
const MONITOR_TYPES = new Set<string>(HealthMonitorType.options);
const MEMBER_STATUSES = new Set<string>(Member.shape.operating_status.unwrap().unwrap().options);
const RULE_TYPES = new Set<string>(L7Rule.shape.type.options);
const RULE_COMPARES = new Set<string>(L7Rule.shape.compare_type.options);
const POLICY_ACTIONS = new Set<string>(L7Policy.shape.action.unwrap().options);
const STICKINESS = new Set<string>(SessionPersistence.shape.type.options);

export function label(kind: V3Kind, o: ApiObject): string {
  const name = str(o.name);
  const id = str(o.id);
  return `${singular(kind)} ${name ? `"${name}"` : (id ?? '(no id)')}`;
}

/** Every field neither mapped nor bookkeeping is noted once per kind and field. */
function noteLeftovers(kind: V3Kind, r: Sourced, mapped: readonly string[], notes: ImportNotes): void {
  const known = new Set([...mapped, ...BOOKKEEPING[kind]]);
  for (const [k, v] of Object.entries(r.obj)) {
    if (known.has(k) || !says(v)) continue;
    if (isSecretField(k)) {
      notes.add(
        'secret',
        `${singular(kind)} field ${k}`,
        'private keys never land in the inventory',
        r.where,
      );
      continue;
    }
    notes.add('not-carried', `${singular(kind)} field ${k}`, 'no inventory equivalent', r.where);
  }
}

function upper(v: unknown): string | undefined {
  return str(v)?.toUpperCase();
}

export function mapLoadBalancer(r: Sourced, notes: ImportNotes): ApiObject {
  const o = r.obj;
  noteLeftovers(
    'loadbalancers',
    r,
    [
      'id',
      'name',
      'guaranteed',
      'type',
      'vip_address',
      'eips',
      'publicips',
      'eip',
      'availability_zone_list',
      'ip_target_enable',
      'admin_state_up',
      'listeners',
      'pools',
    ],
    notes,
  );
  if (bool(o.admin_state_up) === false)
    notes.add(
      'not-carried',
      `${label('loadbalancers', o)} is administratively down`,
      'not modelled',
      r.where,
    );
  const eips = [...(Array.isArray(o.eips) ? o.eips : []), ...(Array.isArray(o.publicips) ? o.publicips : [])];
  const eip =
    str(o.eip) ??
    eips
      .map((e) => (isObject(e) ? (str(e.eip_address) ?? str(e.publicip_address)) : undefined))
      .find(Boolean);
  // ELB v3 marks a dedicated load balancer `guaranteed: true`; shared ones are false.
  let type = str(o.type);
  if (type !== 'shared' && type !== 'dedicated') {
    const guaranteed = bool(o.guaranteed);
    type = guaranteed === false ? 'shared' : 'dedicated';
    if (guaranteed === undefined)
      notes.add(
        'assumed',
        'load balancer type',
        'not said by the source; dedicated assumed (else set loadbalancer.type)',
        r.where,
      );
  }
  return defined({
    id: str(o.id),
    name: str(o.name) ?? str(o.id) ?? 'imported-lb',
    type,
    vip_address: str(o.vip_address) ?? null,
    eip: eip ?? null,
    ip_target_enable: bool(o.ip_target_enable),
    availability_zones: Array.isArray(o.availability_zone_list) ? o.availability_zone_list : undefined,
  });
}

const LISTENER_MAPPED = [
  'id',
  'name',
  'protocol',
  'protocol_port',
  'port_ranges',
  'default_pool_id',
  'loadbalancers',
  'loadbalancer_id',
  'keepalive_timeout',
  'client_timeout',
  'member_timeout',
  'default_tls_container_ref',
  'client_ca_tls_container_ref',
  'sni_container_refs',
  'sni_match_algo',
  'tls_ciphers_policy',
  'http2_enable',
  'insert_headers',
  'ipgroup',
  'transparent_client_ip_enable',
  'admin_state_up',
];

export function mapListener(
  r: Sourced,
  ipgroups: Map<string, Sourced>,
  notes: ImportNotes,
): ApiObject | undefined {
  const o = r.obj;
  noteLeftovers('listeners', r, LISTENER_MAPPED, notes);
  const protocol = upper(o.protocol);
  if (!protocol || !LISTENER_PROTOCOLS.has(protocol)) {
    notes.add('left-out', label('listeners', o), `protocol ${protocol ?? '(none)'} is not modelled`, r.where);
    return undefined;
  }
  if (bool(o.admin_state_up) === false)
    notes.add('not-carried', `${label('listeners', o)} is administratively down`, 'not modelled', r.where);
  let ipgroup: ApiObject | null = null;
  if (isObject(o.ipgroup) && str(o.ipgroup.ipgroup_id)) {
    const group = ipgroups.get(str(o.ipgroup.ipgroup_id) as string);
    const type = str(o.ipgroup.type) ?? 'white';
    if (!group) {
      notes.add(
        'left-out',
        `${label('listeners', o)} access control (ip group ${str(o.ipgroup.ipgroup_id)})`,
        'the ip group itself was not among the inputs: save its ShowIpGroup response too',
        r.where,
      );
    } else {
      const list = Array.isArray(group.obj.ip_list) ? group.obj.ip_list : [];
      ipgroup = {
        type,
        ip_list: list.map((e) => (isObject(e) ? str(e.ip) : str(e))).filter(Boolean),
        enable: bool(o.ipgroup.enable_ipgroup) ?? true,
      };
    }
  } else if (isObject(o.ipgroup) && Array.isArray(o.ipgroup.ip_list)) {
    ipgroup = defined({
      type: str(o.ipgroup.type) ?? 'white',
      ip_list: o.ipgroup.ip_list,
      enable: bool(o.ipgroup.enable_ipgroup),
    });
  }
  const headers = isObject(o.insert_headers)
    ? Object.fromEntries(
        Object.entries(o.insert_headers).flatMap(([k, v]) => (bool(v) === undefined ? [] : [[k, bool(v)]])),
      )
    : undefined;
  const ranges = Array.isArray(o.port_ranges) && o.port_ranges.length > 0 ? o.port_ranges : undefined;
  return defined({
    id: str(o.id),
    name: str(o.name) ?? str(o.id) ?? `${protocol}-${int(o.protocol_port)}`,
    protocol,
    protocol_port: int(o.protocol_port) ?? (ranges ? undefined : null),
    port_ranges: ranges,
    default_pool_id: str(o.default_pool_id) ?? null,
    transparent_client_ip_enable: bool(o.transparent_client_ip_enable),
    keepalive_timeout: int(o.keepalive_timeout),
    client_timeout: int(o.client_timeout),
    member_timeout: int(o.member_timeout),
    ipgroup: ipgroup ?? undefined,
    default_tls_container_ref: str(o.default_tls_container_ref),
    client_ca_tls_container_ref: str(o.client_ca_tls_container_ref),
    sni_container_refs: ids(o.sni_container_refs).length ? ids(o.sni_container_refs) : undefined,
    sni_match_algo: str(o.sni_match_algo),
    tls_ciphers_policy: str(o.tls_ciphers_policy),
    http2_enable: bool(o.http2_enable),
    insert_headers: headers && Object.keys(headers).length ? headers : undefined,
  });
}

const MONITOR_MAPPED = [
  'id',
  'name',
  'type',
  'delay',
  'timeout',
  'max_retries',
  'max_retries_down',
  'monitor_port',
  'url_path',
  'domain_name',
  'expected_codes',
  'http_method',
  'admin_state_up',
  'pools',
  'pool_id',
];

export function mapMonitor(r: Sourced, notes: ImportNotes): ApiObject | undefined {
  const o = r.obj;
  noteLeftovers('healthmonitors', r, MONITOR_MAPPED, notes);
  const type = upper(o.type);
  if (!type || !MONITOR_TYPES.has(type)) {
    notes.add(
      'left-out',
      label('healthmonitors', o),
      `check type ${type ?? '(none)'} is not modelled`,
      r.where,
    );
    return undefined;
  }
  const method = upper(o.http_method);
  return defined({
    admin_state_up: bool(o.admin_state_up),
    type,
    delay: int(o.delay),
    timeout: int(o.timeout),
    max_retries: int(o.max_retries),
    max_retries_down: int(o.max_retries_down),
    monitor_port: int(o.monitor_port) ?? null,
    url_path: type === 'HTTP' || type === 'HTTPS' ? str(o.url_path) : undefined,
    domain_name: str(o.domain_name) ?? null,
    expected_codes: type === 'HTTP' || type === 'HTTPS' ? (str(o.expected_codes) ?? null) : undefined,
    http_method: method === 'GET' || method === 'HEAD' ? method : undefined,
  });
}

export function mapMember(r: Sourced, notes: ImportNotes): ApiObject | undefined {
  const o = r.obj;
  noteLeftovers(
    'members',
    r,
    [
      'id',
      'name',
      'address',
      'protocol_port',
      'weight',
      'subnet_cidr_id',
      'operating_status',
      'admin_state_up',
      'pool_id',
    ],
    notes,
  );
  const address = str(o.address);
  const port = int(o.protocol_port);
  if (!address || port === undefined) {
    const missing = !address ? 'address' : 'protocol_port';
    notes.add(
      'left-out',
      label('members', o),
      `no ${missing} (known only after apply, or any-port)`,
      r.where,
    );
    return undefined;
  }
  const status = upper(o.operating_status);
  return defined({
    id: str(o.id),
    name: str(o.name),
    address,
    protocol_port: port,
    weight: int(o.weight),
    subnet_cidr_id: str(o.subnet_cidr_id),
    operating_status: status && MEMBER_STATUSES.has(status) ? status : undefined,
    admin_state_up: bool(o.admin_state_up),
  });
}

export function mapPool(
  r: Sourced,
  members: ApiObject[],
  monitor: ApiObject | undefined,
  notes: ImportNotes,
): ApiObject | undefined {
  const o = r.obj;
  noteLeftovers(
    'pools',
    r,
    [
      'id',
      'name',
      'protocol',
      'lb_algorithm',
      'session_persistence',
      'healthmonitor_id',
      'healthmonitor',
      'members',
      'loadbalancers',
      'loadbalancer_id',
      'listeners',
      'listener_id',
      'slow_start',
      'connection_drain',
      'admin_state_up',
    ],
    notes,
  );
  const protocol = upper(o.protocol);
  if (!protocol || !POOL_PROTOCOLS.has(protocol)) {
    notes.add(
      'left-out',
      label('pools', o),
      `backend protocol ${protocol ?? '(none)'} is not modelled`,
      r.where,
    );
    return undefined;
  }
  let algorithm = upper(o.lb_algorithm);
  if (algorithm && !ALGORITHMS.has(algorithm)) {
    notes.add(
      'left-out',
      `${label('pools', o)} algorithm ${algorithm}`,
      'not modelled; ROUND_ROBIN used',
      r.where,
    );
    algorithm = 'ROUND_ROBIN';
  }
  const sp = isObject(o.session_persistence) ? o.session_persistence : undefined;
  const spType = upper(sp?.type);
  const session =
    sp && spType && STICKINESS.has(spType)
      ? defined({
          type: spType,
          cookie_name: str(sp.cookie_name) ?? null,
          persistence_timeout: int(sp.persistence_timeout),
        })
      : null;
  if (sp && spType && !session)
    notes.add('left-out', `${label('pools', o)} stickiness ${spType}`, 'not modelled', r.where);
  const slow = isObject(o.slow_start) ? o.slow_start : undefined;
  const drain = isObject(o.connection_drain) ? o.connection_drain : undefined;
  return defined({
    id: str(o.id) as string,
    name: str(o.name),
    protocol,
    lb_algorithm: algorithm,
    session_persistence: session,
    healthmonitor: monitor ?? null,
    members,
    deregistration_delay: drain && bool(drain.enable) ? int(drain.timeout) : undefined,
    slow_start:
      slow && bool(slow.enable) !== undefined
        ? { enable: bool(slow.enable), duration: int(slow.duration) ?? 30 }
        : undefined,
  });
}

export function mapPolicy(
  r: Sourced,
  rules: Sourced[],
  listenerName: string,
  notes: ImportNotes,
): ApiObject | undefined {
  const o = r.obj;
  noteLeftovers(
    'l7policies',
    r,
    ['id', 'name', 'action', 'listener_id', 'redirect_pool_id', 'priority', 'rules', 'admin_state_up'],
    notes,
  );
  const action = upper(o.action);
  if (!action || !POLICY_ACTIONS.has(action)) {
    notes.add('left-out', label('l7policies', o), `action ${action ?? '(none)'} is not modelled`, r.where);
    return undefined;
  }
  const mapped = rules.flatMap((rule) => {
    noteLeftovers(
      'l7rules',
      rule,
      ['id', 'type', 'compare_type', 'value', 'l7policy_id', 'invert', 'key'],
      notes,
    );
    const type = upper(rule.obj.type);
    const compare = upper(rule.obj.compare_type);
    const inverted = bool(rule.obj.invert) === true;
    if (
      !type ||
      !compare ||
      !RULE_TYPES.has(type) ||
      !RULE_COMPARES.has(compare) ||
      !str(rule.obj.value) ||
      inverted
    ) {
      // Rules of a policy all have to match: without this one the policy matches more than in the cloud.
      notes.add(
        'left-out',
        `${inverted ? 'inverted ' : ''}l7 rule ${type ?? '?'} ${compare ?? '?'} of ${label('l7policies', o)}`,
        'not modelled; the policy keeps its other rules, so it matches more here',
        rule.where,
      );
      return [];
    }
    return [{ type, compare_type: compare, value: str(rule.obj.value) }];
  });
  if (mapped.length === 0) {
    notes.add(
      'left-out',
      label('l7policies', o),
      'none of its rules were given or modelled (save its rules too: ListL7Rules)',
      r.where,
    );
    return undefined;
  }
  return defined({
    id: str(o.id),
    name: str(o.name),
    listener: listenerName,
    action,
    redirect_pool_id: str(o.redirect_pool_id) ?? null,
    priority: int(o.priority),
    rules: mapped,
  });
}

export function mapCertificate(r: Sourced, notes: ImportNotes): ApiObject | undefined {
  const o = r.obj;
  noteLeftovers('certificates', r, ['id', 'name', 'type', 'certificate', 'domain'], notes);
  const pem = str(o.certificate);
  if (!pem || !str(o.id)) {
    notes.add('left-out', label('certificates', o), 'no certificate text', r.where);
    return undefined;
  }
  const type = str(o.type);
  return defined({
    id: str(o.id),
    name: str(o.name),
    type: type === 'client' ? 'client' : 'server',
    certificate: pem,
    domain: str(o.domain) ?? null,
  });
}
