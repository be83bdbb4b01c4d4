// The traffic fields Octavia names as ELB v3 does (or nearly), per resource.
// The OpenStack CLI prints them under these names and Terraform's OpenStack
// provider (and Huawei Cloud's shared huaweicloud_lb_*) takes them as its
// attribute names, so both importers rename through this one table and add
// only what their source has of its own (links, other spellings).
import type { V3Kind } from './v3-set.js';

/** A rename table for fields whose name already is the ELB v3 one. */
function sameNames(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, n]));
}

export const OCTAVIA_FIELDS = {
  loadbalancers: {
    ...sameNames('id', 'name', 'vip_address', 'admin_state_up'),
    availability_zone: 'availability_zone_list',
  },
  listeners: sameNames(
    'id',
    'name',
    'protocol',
    'protocol_port',
    // Milliseconds: fixOctaviaValues turns them into ELB's seconds.
    'timeout_client_data',
    'timeout_member_data',
    'allowed_cidrs',
    'insert_headers',
    'default_tls_container_ref',
    'sni_container_refs',
    'client_ca_tls_container_ref',
    'admin_state_up',
  ),
  pools: sameNames('id', 'name', 'protocol', 'admin_state_up'),
  members: sameNames('id', 'name', 'address', 'protocol_port', 'weight', 'admin_state_up'),
  healthmonitors: sameNames(
    'id',
    'name',
    'type',
    'delay',
    'timeout',
    'max_retries',
    'max_retries_down',
    'url_path',
    'expected_codes',
    'http_method',
    'domain_name',
    'admin_state_up',
  ),
  l7policies: { ...sameNames('id', 'name', 'action', 'admin_state_up'), position: 'priority' },
  l7rules: sameNames('id', 'type', 'compare_type', 'value', 'key', 'invert'),
} as const satisfies Partial<Record<V3Kind, Readonly<Record<string, string>>>>;
