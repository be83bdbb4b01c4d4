// The one shape every import source is turned into before it becomes an
// inventory: resources as the ELB v3 API prints them (the inventory speaks the
// same vocabulary, DESIGN.md "One model"). Saved ELB responses are already in
// it; Octavia outputs and Terraform resources are converted into it, so the
// joining by ids and the mapping to the inventory are written once.
import type { ApiObject } from './values.js';

export interface Sourced {
  obj: ApiObject;
  /** Where it came from, for notes: a file, or a file and a Terraform address. */
  where: string;
}

export const V3_KINDS = [
  'loadbalancers',
  'listeners',
  'pools',
  'members',
  'healthmonitors',
  'l7policies',
  'l7rules',
  'certificates',
  'ipgroups',
] as const;
export type V3Kind = (typeof V3_KINDS)[number];
export type V3Set = Record<V3Kind, Sourced[]>;

/** `listeners` → `listener`, for messages. */
export function singular(kind: V3Kind): string {
  return kind === 'l7policies' ? 'l7policy' : kind.replace(/s$/, '');
}

export function emptySet(): V3Set {
  return Object.fromEntries(V3_KINDS.map((k) => [k, []])) as unknown as V3Set;
}

/**
 * Fields of each resource the ELB v3 API documents that say nothing about
 * how traffic flows (bookkeeping: owners, timestamps, provisioning states,
 * descriptions). Not listed as left behind; any other field that is not
 * mapped is.
 */
export const BOOKKEEPING: Record<V3Kind, readonly string[]> = {
  loadbalancers: [
    'description',
    'provisioning_status',
    'operating_status',
    'provider',
    'vip_port_id',
    'vip_subnet_cidr_id',
    'project_id',
    'tenant_id',
    'created_at',
    'updated_at',
    'vpc_id',
    'enterprise_project_id',
    'billing_info',
    'l4_flavor_id',
    'l4_scale_flavor_id',
    'l7_flavor_id',
    'l7_scale_flavor_id',
    'elb_virsubnet_ids',
    'elb_virsubnet_type',
    'frozen_scene',
    'charge_mode',
    'protection_status',
    'protection_reason',
    'deletion_protection_enable',
    'tags',
    'log_group_id',
    'log_topic_id',
    'public_border_group',
    'ipv6_vip_virsubnet_id',
    'ipv6_vip_port_id',
  ],
  listeners: [
    'description',
    // -1 (unlimited) in every response: the v3 API documents it as not in effect.
    'connection_limit',
    'project_id',
    'created_at',
    'updated_at',
    'tags',
    'enterprise_project_id',
    'protection_status',
    'protection_reason',
    'provisioning_status',
    'operating_status',
  ],
  pools: [
    'description',
    'project_id',
    'ip_version',
    'type',
    'vpc_id',
    'created_at',
    'updated_at',
    'enterprise_project_id',
    'protection_status',
    'protection_reason',
    'member_deletion_protection_enable',
    'provisioning_status',
    'operating_status',
  ],
  members: [
    'project_id',
    'tenant_id',
    'ip_version',
    'member_type',
    'instance_id',
    'device_id',
    'device_owner',
    'status',
    'created_at',
    'updated_at',
    'reason',
    'provisioning_status',
    'subnet_id',
  ],
  healthmonitors: ['project_id', 'created_at', 'updated_at', 'provisioning_status', 'operating_status'],
  l7policies: [
    'description',
    'project_id',
    'provisioning_status',
    'operating_status',
    'created_at',
    'updated_at',
    'enterprise_project_id',
    'position',
  ],
  l7rules: [
    'project_id',
    'tenant_id',
    'provisioning_status',
    'operating_status',
    'created_at',
    'updated_at',
    'admin_state_up',
  ],
  certificates: [
    'description',
    'admin_state_up',
    'project_id',
    'created_at',
    'updated_at',
    'expire_time',
    'enterprise_project_id',
    'fingerprint',
    'common_name',
    'subject_alternative_names',
    'protection_status',
    'protection_reason',
    'source',
  ],
  ipgroups: ['description', 'project_id', 'created_at', 'updated_at', 'enterprise_project_id', 'listeners'],
};

/** The singular and plural keys of each kind in an API response (`{"pool": …}`, `{"pools": […]}`). */
export const RESPONSE_KEYS: Record<string, V3Kind> = {
  loadbalancer: 'loadbalancers',
  loadbalancers: 'loadbalancers',
  listener: 'listeners',
  listeners: 'listeners',
  pool: 'pools',
  pools: 'pools',
  member: 'members',
  members: 'members',
  healthmonitor: 'healthmonitors',
  healthmonitors: 'healthmonitors',
  l7policy: 'l7policies',
  l7policies: 'l7policies',
  rule: 'l7rules',
  rules: 'l7rules',
  l7rule: 'l7rules',
  l7rules: 'l7rules',
  certificate: 'certificates',
  certificates: 'certificates',
  ipgroup: 'ipgroups',
  ipgroups: 'ipgroups',
};

/** Keys of a response that are not resources: paging and request bookkeeping. */
export const RESPONSE_BOOKKEEPING = new Set([
  'request_id',
  'page_info',
  'loadbalancers_links',
  'listeners_links',
  'pools_links',
  'members_links',
  'healthmonitors_links',
  'l7policies_links',
  'rules_links',
  'certificates_links',
  'ipgroups_links',
]);
