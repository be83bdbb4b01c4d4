// Terraform resource types lbdoctor reads and how their attributes become
// ELB v3 fields: the Huawei Cloud provider's huaweicloud_elb_* (dedicated,
// ELB v3 names) and huaweicloud_lb_* (shared), the OpenStack provider's
// openstack_lb_*_v2 (Octavia names). Attribute names from the providers' docs.
import type { FieldTable } from './convert.js';
import { OCTAVIA_FIELDS } from './octavia-fields.js';
import type { V3Kind } from './v3-set.js';
import { type ApiObject, bool, ids, int, isObject, str } from './values.js';

export interface ResourceSpec {
  kind: V3Kind;
  /** huaweicloud_elb_* speak ELB v3; the others Octavia's vocabulary. */
  octavia?: boolean;
  fields: FieldTable;
  /** Attributes naming another resource: attribute → the v3 field that holds the id(s). */
  links?: Readonly<Record<string, string>>;
  /** Values that need more than a rename. */
  fix?: (v3: ApiObject, tf: ApiObject) => void;
}

/** Attributes every resource of these providers has that say nothing about traffic. */
const TF_STATE = [
  'region',
  'timeouts',
  'created_at',
  'updated_at',
  'description',
  'tags',
  'enterprise_project_id',
];

/** persistence is a one-element block list in both providers; ELB's timeout is minutes. */
function persistence(v3: ApiObject, tf: ApiObject): void {
  const p = Array.isArray(tf.persistence) ? tf.persistence[0] : undefined;
  if (isObject(p))
    v3.session_persistence = {
      type: p.type,
      cookie_name: p.cookie_name,
      persistence_timeout: int(p.timeout),
    };
  delete v3.persistence;
}

const HUAWEI_HEADERS: Record<string, string> = {
  forward_eip: 'X-Forwarded-ELB-IP',
  forward_port: 'X-Forwarded-Port',
  forward_request_port: 'X-Forwarded-For-Port',
  forward_host: 'X-Forwarded-Host',
};

export const SPECS: Record<string, ResourceSpec> = {
  huaweicloud_elb_loadbalancer: {
    kind: 'loadbalancers',
    fields: {
      rename: {
        id: 'id',
        name: 'name',
        ipv4_address: 'vip_address',
        ipv4_eip: 'eip',
        availability_zone: 'availability_zone_list',
        cross_vpc_backend: 'ip_target_enable',
      },
      bookkeeping: [
        ...TF_STATE,
        'vpc_id',
        'ipv4_subnet_id',
        'ipv6_network_id',
        'ipv6_bandwidth_id',
        'ipv4_eip_id',
        'ipv4_port_id',
        'l4_flavor_id',
        'l7_flavor_id',
        'backend_subnets',
        'charging_mode',
        'period_unit',
        'period',
        'auto_renew',
        'auto_pay',
        'iptype',
        'bandwidth_charge_mode',
        'bandwidth_size',
        'sharetype',
        'min_l7_flavor_id',
        'protection_status',
        'protection_reason',
        'deletion_protection_enable',
        'force_delete',
        'charge_mode',
        'operating_status',
        'frozen_scene',
        'public_border_group',
        'elb_virsubnet_type',
        'gw_id',
      ],
    },
    fix: (v3) => {
      v3.guaranteed = true;
    },
  },
  huaweicloud_lb_loadbalancer: {
    kind: 'loadbalancers',
    fields: {
      rename: { id: 'id', name: 'name', vip_address: 'vip_address', admin_state_up: 'admin_state_up' },
      bookkeeping: [
        ...TF_STATE,
        'vip_subnet_id',
        'vip_port_id',
        'tenant_id',
        'flavor_id',
        'loadbalancer_provider',
        'security_group_ids',
        'public_ip',
        'charging_mode',
      ],
    },
    fix: (v3) => {
      v3.guaranteed = false;
    },
  },
  huaweicloud_elb_listener: {
    kind: 'listeners',
    fields: {
      rename: {
        id: 'id',
        name: 'name',
        protocol: 'protocol',
        protocol_port: 'protocol_port',
        http2_enable: 'http2_enable',
        tls_ciphers_policy: 'tls_ciphers_policy',
        idle_timeout: 'keepalive_timeout',
        request_timeout: 'client_timeout',
        response_timeout: 'member_timeout',
        sni_match_algo: 'sni_match_algo',
        port_ranges: 'port_ranges',
        access_policy: 'access_policy',
        ip_group_enable: 'ip_group_enable',
        forward_eip: 'forward_eip',
        forward_port: 'forward_port',
        forward_request_port: 'forward_request_port',
        forward_host: 'forward_host',
      },
      bookkeeping: [...TF_STATE, 'protection_status', 'protection_reason'],
    },
    links: {
      loadbalancer_id: 'loadbalancer_id',
      default_pool_id: 'default_pool_id',
      server_certificate: 'default_tls_container_ref',
      sni_certificate: 'sni_container_refs',
      ca_certificate: 'client_ca_tls_container_ref',
      ip_group: 'ip_group',
    },
    fix: (v3) => {
      const headers: Record<string, boolean> = {};
      for (const [attr, header] of Object.entries(HUAWEI_HEADERS)) {
        const on = bool(v3[attr]);
        if (on !== undefined) headers[header] = on;
        delete v3[attr];
      }
      if (Object.keys(headers).length) v3.insert_headers = headers;
      const group = ids(v3.ip_group)[0];
      if (group)
        v3.ipgroup = {
          ipgroup_id: group,
          type: str(v3.access_policy) ?? 'white',
          enable_ipgroup: bool(v3.ip_group_enable) ?? true,
        };
      delete v3.ip_group;
      delete v3.access_policy;
      delete v3.ip_group_enable;
    },
  },
  huaweicloud_elb_pool: {
    kind: 'pools',
    fields: {
      rename: {
        id: 'id',
        name: 'name',
        protocol: 'protocol',
        lb_method: 'lb_algorithm',
        persistence: 'persistence',
        slow_start_enabled: 'slow_start_enabled',
        slow_start_duration: 'slow_start_duration',
        connection_drain_enabled: 'connection_drain_enabled',
        connection_drain_timeout: 'connection_drain_timeout',
      },
      bookkeeping: [
        ...TF_STATE,
        'type',
        'vpc_id',
        'protection_status',
        'protection_reason',
        'ip_version',
        'deletion_protection_enable',
        'monitor_id',
      ],
    },
    links: { loadbalancer_id: 'loadbalancer_id', listener_id: 'listener_id' },
    fix: (v3, tf) => {
      persistence(v3, tf);
      if (bool(v3.slow_start_enabled) !== undefined)
        v3.slow_start = { enable: bool(v3.slow_start_enabled), duration: int(v3.slow_start_duration) };
      if (bool(v3.connection_drain_enabled) !== undefined)
        v3.connection_drain = {
          enable: bool(v3.connection_drain_enabled),
          timeout: int(v3.connection_drain_timeout),
        };
      for (const k of [
        'slow_start_enabled',
        'slow_start_duration',
        'connection_drain_enabled',
        'connection_drain_timeout',
      ])
        delete v3[k];
    },
  },
  huaweicloud_elb_member: {
    kind: 'members',
    fields: {
      rename: {
        id: 'id',
        name: 'name',
        address: 'address',
        protocol_port: 'protocol_port',
        weight: 'weight',
      },
      bookkeeping: [...TF_STATE, 'subnet_id', 'ip_version', 'member_type', 'instance_id', 'operating_status'],
    },
    links: { pool_id: 'pool_id' },
  },
  huaweicloud_elb_monitor: {
    kind: 'healthmonitors',
    fields: {
      rename: {
        id: 'id',
        name: 'name',
        protocol: 'type',
        interval: 'delay',
        timeout: 'timeout',
        max_retries: 'max_retries',
        max_retries_down: 'max_retries_down',
        url_path: 'url_path',
        domain_name: 'domain_name',
        status_code: 'expected_codes',
        port: 'monitor_port',
        http_method: 'http_method',
        enabled: 'admin_state_up',
      },
      bookkeeping: TF_STATE,
    },
    links: { pool_id: 'pool_id' },
  },
  huaweicloud_elb_l7policy: {
    kind: 'l7policies',
    fields: {
      rename: { id: 'id', name: 'name', action: 'action', priority: 'priority' },
      bookkeeping: [...TF_STATE, 'provisioning_status'],
    },
    links: { listener_id: 'listener_id', redirect_pool_id: 'redirect_pool_id' },
  },
  huaweicloud_elb_l7rule: {
    kind: 'l7rules',
    fields: {
      rename: { id: 'id', type: 'type', compare_type: 'compare_type', value: 'value' },
      bookkeeping: [...TF_STATE, 'provisioning_status'],
    },
    links: { l7policy_id: 'l7policy_id' },
  },
  huaweicloud_elb_certificate: {
    kind: 'certificates',
    fields: {
      rename: { id: 'id', name: 'name', type: 'type', certificate: 'certificate', domain: 'domain' },
      bookkeeping: [
        ...TF_STATE,
        'expire_time',
        'enc_certificate',
        'scm_certificate_id',
        'common_name',
        'fingerprint',
        'subject_alternative_names',
      ],
    },
  },
  huaweicloud_elb_ipgroup: {
    kind: 'ipgroups',
    fields: {
      rename: { id: 'id', name: 'name', ip_list: 'ip_list' },
      bookkeeping: [...TF_STATE, 'listener_ids'],
    },
  },
  openstack_lb_loadbalancer_v2: {
    kind: 'loadbalancers',
    octavia: true,
    fields: {
      rename: OCTAVIA_FIELDS.loadbalancers,
      bookkeeping: [
        ...TF_STATE,
        'vip_subnet_id',
        'vip_network_id',
        'vip_port_id',
        'vip_qos_policy_id',
        'flavor_id',
        'loadbalancer_provider',
        'security_group_ids',
        'tenant_id',
      ],
    },
  },
  openstack_lb_listener_v2: {
    kind: 'listeners',
    octavia: true,
    fields: {
      rename: OCTAVIA_FIELDS.listeners,
      bookkeeping: [...TF_STATE, 'tenant_id', 'connection_limit', 'client_authentication'],
    },
    links: { loadbalancer_id: 'loadbalancer_id', default_pool_id: 'default_pool_id' },
  },
  openstack_lb_pool_v2: {
    kind: 'pools',
    octavia: true,
    fields: {
      rename: { ...OCTAVIA_FIELDS.pools, lb_method: 'lb_algorithm', persistence: 'persistence' },
      bookkeeping: [...TF_STATE, 'tenant_id'],
    },
    links: { loadbalancer_id: 'loadbalancer_id', listener_id: 'listener_id' },
    fix: persistence,
  },
  openstack_lb_member_v2: {
    kind: 'members',
    octavia: true,
    fields: {
      rename: OCTAVIA_FIELDS.members,
      bookkeeping: [...TF_STATE, 'tenant_id', 'subnet_id'],
    },
    links: { pool_id: 'pool_id' },
  },
  openstack_lb_monitor_v2: {
    kind: 'healthmonitors',
    octavia: true,
    fields: {
      rename: OCTAVIA_FIELDS.healthmonitors,
      bookkeeping: [...TF_STATE, 'tenant_id'],
    },
    links: { pool_id: 'pool_id' },
  },
  openstack_lb_l7policy_v2: {
    kind: 'l7policies',
    octavia: true,
    fields: {
      rename: OCTAVIA_FIELDS.l7policies,
      bookkeeping: [...TF_STATE, 'tenant_id'],
    },
    links: { listener_id: 'listener_id', redirect_pool_id: 'redirect_pool_id' },
  },
  openstack_lb_l7rule_v2: {
    kind: 'l7rules',
    octavia: true,
    fields: {
      rename: OCTAVIA_FIELDS.l7rules,
      bookkeeping: [...TF_STATE, 'tenant_id', 'listener_id', 'admin_state_up'],
    },
    links: { l7policy_id: 'l7policy_id' },
  },
};

/**
 * The shared load balancer's resources (huaweicloud_lb_*) take Octavia's
 * attribute names, as the OpenStack provider's do.
 */
for (const part of ['listener', 'pool', 'member', 'monitor', 'l7policy', 'l7rule']) {
  const os = SPECS[`openstack_lb_${part}_v2`] as ResourceSpec;
  SPECS[`huaweicloud_lb_${part}`] = {
    ...os,
    fields: {
      rename: {
        ...os.fields.rename,
        ...(part === 'listener'
          ? { http2_enable: 'http2_enable', tls_ciphers_policy: 'tls_ciphers_policy' }
          : part === 'monitor'
            ? { port: 'monitor_port' }
            : {}),
      },
      bookkeeping: os.fields.bookkeeping,
    },
  };
}
SPECS.huaweicloud_lb_certificate = SPECS.huaweicloud_elb_certificate as ResourceSpec;
