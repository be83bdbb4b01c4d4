// Terraform: `terraform show -json` of a plan or of state. Resources of the
// Huawei Cloud provider's ELB family (`huaweicloud_elb_*`, dedicated, and
// `huaweicloud_lb_*`, shared) and of the OpenStack provider's `openstack_lb_*_v2`.
// In a plan the ids are not known yet: a link such as a member's pool_id
// exists only as a reference in the `configuration` section, which is
// followed back to the resource instance it names (the same for_each key
// when both sides are made with for_each). A resource whose id is unknown
// takes its Terraform address as its id in the inventory.
import { InputError } from '../errors.js';
import { convertFields } from './convert.js';
import type { ImportNotes } from './notes.js';
import { fixOctaviaValues } from './octavia.js';
import { type ResourceSpec, SPECS } from './terraform-resources.js';
import type { SourceDocument } from './read-sources.js';
import { emptySet, type V3Set } from './v3-set.js';
import { type ApiObject, ids, isObject, str } from './values.js';

interface Instance {
  address: string;
  /** The address without instance keys: how `configuration` names it. */
  configAddress: string;
  /** `module.a.module.b.` (with instance keys), or '' at the root. */
  modulePrefix: string;
  type: string;
  index: unknown;
  values: ApiObject;
  where: string;
}

/** The ELB families: a type of these we do not know is listed; anything else is not a load balancer. */
const FAMILY = /^(huaweicloud_(elb|lb)_|openstack_lb_)/;
const STRIP_KEYS = /\[[^\]]*\]/g;

function walkModule(mod: unknown, out: Instance[], file: string): void {
  if (!isObject(mod)) return;
  for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
    if (!isObject(r) || r.mode === 'data') continue;
    const address = str(r.address);
    const type = str(r.type);
    if (!address || !type) continue;
    const configAddress = address.replace(STRIP_KEYS, '');
    const at = address.lastIndexOf(`${type}.`);
    out.push({
      address,
      configAddress,
      modulePrefix: at > 0 ? address.slice(0, at) : '',
      type,
      index: r.index,
      values: isObject(r.values) ? r.values : {},
      where: `${file} ${address}`,
    });
  }
  for (const child of Array.isArray(mod.child_modules) ? mod.child_modules : []) walkModule(child, out, file);
}

/** configuration.root_module's resources by their address with module path, keys stripped. */
function configIndex(mod: unknown, prefix: string, out: Map<string, ApiObject>): Map<string, ApiObject> {
  if (!isObject(mod)) return out;
  for (const r of Array.isArray(mod.resources) ? mod.resources : []) {
    if (isObject(r) && str(r.address)) out.set(`${prefix}${r.address}`, r);
  }
  if (isObject(mod.module_calls)) {
    for (const [name, call] of Object.entries(mod.module_calls)) {
      if (isObject(call)) configIndex(call.module, `${prefix}module.${name}.`, out);
    }
  }
  return out;
}

const REFERENCE = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?/;

function wrongPlan(file: string, message: string): InputError {
  return new InputError(
    `${file} is not the JSON of a Terraform plan or state`,
    [{ file, message, expected: 'the output of `terraform show -json PLANFILE` or `terraform show -json`' }],
    'run `terraform show -json plan.out > plan.json` (a binary plan file is not JSON)',
  );
}

export function collectTerraform(docs: readonly SourceDocument[], notes: ImportNotes): V3Set {
  const set = emptySet();
  for (const { file, value } of docs) {
    if (!isObject(value) || (!('format_version' in value) && !('terraform_version' in value)))
      throw wrongPlan(file, 'no format_version: this JSON was not printed by `terraform show -json`');
    const root = isObject(value.planned_values) ? value.planned_values : value.values;
    const instances: Instance[] = [];
    walkModule(isObject(root) ? root.root_module : undefined, instances, file);
    const config = configIndex(
      isObject(value.configuration) ? value.configuration.root_module : undefined,
      '',
      new Map(),
    );
    const byConfig = new Map<string, Instance[]>();
    for (const i of instances) {
      const list = byConfig.get(i.configAddress);
      if (list) list.push(i);
      else byConfig.set(i.configAddress, [i]);
    }
    const idOf = (i: Instance) => str(i.values.id) ?? i.address;

    /** The ids an attribute links to: its value when known, else the resources its expression references. */
    const linked = (i: Instance, attr: string): string[] => {
      const known = ids(i.values[attr]);
      if (known.length) return known;
      const expressions = config.get(i.configAddress)?.expressions;
      const expr = isObject(expressions) ? expressions[attr] : undefined;
      const refs = isObject(expr) && Array.isArray(expr.references) ? expr.references : [];
      const out: string[] = [];
      for (const ref of refs) {
        const m = REFERENCE.exec(String(ref));
        if (!m || !FAMILY.test(m[1] as string)) continue;
        // Within the same module instance: module.lb[0] refers to its own pools, not module.lb[1]'s.
        const targets = (
          byConfig.get(`${i.modulePrefix.replace(STRIP_KEYS, '')}${m[1]}.${m[2]}`) ?? []
        ).filter((t) => t.modulePrefix === i.modulePrefix);
        const exact = m[3] ? targets.find((t) => t.address.endsWith(`${m[1]}.${m[2]}${m[3]}`)) : undefined;
        // for_each on both sides over the same keys: the member "a" goes to the pool "a".
        const sameKey = targets.find((t) => i.index !== undefined && t.index === i.index);
        const target = exact ?? (targets.length === 1 ? targets[0] : sameKey);
        if (target) out.push(idOf(target));
        else if (targets.length > 1)
          notes.add('left-out', `link ${attr} → ${ref}`, 'names several instances; none picked', i.where);
      }
      return [...new Set(out)];
    };

    const others = new Map<string, number>();
    for (const i of instances) {
      if (i.type === 'openstack_lb_members_v2') continue;
      const spec = SPECS[i.type];
      if (!spec) {
        if (FAMILY.test(i.type)) notes.add('unknown-type', i.type, 'not read', i.where);
        else others.set(i.type, (others.get(i.type) ?? 0) + 1);
        continue;
      }
      const tf = { ...i.values };
      for (const attr of Object.keys(spec.links ?? {})) delete tf[attr];
      const v3 = convertFields(spec.kind, tf, spec.fields, i.where, notes, 'Terraform');
      v3.id = idOf(i);
      for (const [attr, field] of Object.entries(spec.links ?? {})) {
        const targets = linked(i, attr);
        if (targets.length) v3[field] = field === 'sni_container_refs' ? targets : targets[0];
      }
      spec.fix?.(v3, i.values);
      set[spec.kind].push({
        obj: spec.octavia ? fixOctaviaValues(spec.kind, v3, i.where, notes) : v3,
        where: i.where,
      });
    }
    // openstack_lb_members_v2: one resource, a set of member blocks, all in one pool.
    for (const i of instances.filter((x) => x.type === 'openstack_lb_members_v2')) {
      const pool = linked(i, 'pool_id')[0];
      const blocks = Array.isArray(i.values.member) ? i.values.member : [];
      blocks.forEach((b, n) => {
        if (!isObject(b)) return;
        const spec = SPECS.openstack_lb_member_v2 as ResourceSpec;
        const v3 = convertFields('members', b, spec.fields, i.where, notes, 'Terraform');
        v3.id = str(b.id) ?? `${i.address}.member[${n}]`;
        if (pool) v3.pool_id = pool;
        set.members.push({ obj: v3, where: i.where });
      });
    }
    if (others.size)
      notes.add(
        'unknown-type',
        `${[...others.values()].reduce((a, b) => a + b, 0)} resources of other types (${[...others.keys()].slice(0, 4).join(', ')}${others.size > 4 ? ', …' : ''})`,
        'not load balancer resources; not read',
        file,
      );
    if (!instances.some((i) => SPECS[i.type]?.kind === 'loadbalancers'))
      throw new InputError(`${file} holds no load balancer`, [
        {
          file,
          message: `none of its ${instances.length} resources is a load balancer`,
          expected:
            'a huaweicloud_elb_loadbalancer, huaweicloud_lb_loadbalancer or openstack_lb_loadbalancer_v2 resource',
        },
      ]);
  }
  return set;
}
