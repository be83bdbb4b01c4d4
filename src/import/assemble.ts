// ELB v3 resources (from any source) joined by their ids into inventory
// entries: listeners and pools to their load balancer, members and health
// monitors to their pool, rules to their L7 policy. Each resource is mapped
// by map-resources.ts; what cannot be joined is noted, never dropped.
import { InputError } from '../errors.js';
import {
  label,
  mapCertificate,
  mapListener,
  mapLoadBalancer,
  mapMember,
  mapMonitor,
  mapPolicy,
  mapPool,
} from './map-resources.js';
import type { ImportNotes } from './notes.js';
import type { Sourced, V3Set } from './v3-set.js';
import { type ApiObject, ids, isObject, str } from './values.js';

export interface AssembledEntry {
  loadbalancer: ApiObject;
  listeners: ApiObject[];
  pools: ApiObject[];
  l7policies: ApiObject[];
}

export interface Assembled {
  loadbalancers: AssembledEntry[];
  certificates: ApiObject[];
}

function byId(list: readonly Sourced[]): Map<string, Sourced> {
  const m = new Map<string, Sourced>();
  for (const r of list) {
    const id = str(r.obj.id);
    if (id) m.set(id, r);
  }
  return m;
}

/** The load balancer a listener or pool belongs to, by the links either side carries. */
function ownerOf(o: ApiObject, kind: 'listeners' | 'pools', lbs: readonly Sourced[]): string | undefined {
  const own = [...ids(o.loadbalancers), ...ids(o.loadbalancer_id)];
  if (own[0]) return own[0];
  const id = str(o.id);
  const claimed = lbs.find((lb) => id && ids(lb.obj[kind]).includes(id));
  return claimed ? str(claimed.obj.id) : undefined;
}

export function assemble(set: V3Set, notes: ImportNotes, what: string, files: readonly string[]): Assembled {
  if (set.loadbalancers.length === 0) {
    throw new InputError(`no load balancer in the ${what}`, [
      {
        file: [...new Set(files)].join(', '),
        message: 'none of the inputs describes a load balancer',
        expected: `a load balancer among the ${what}`,
      },
    ]);
  }
  const lbIds = set.loadbalancers.map((lb) => str(lb.obj.id));
  const onlyLb = set.loadbalancers.length === 1 ? lbIds[0] : undefined;
  const ipgroups = byId(set.ipgroups);
  const monitorsById = byId(set.healthmonitors);
  const membersById = byId(set.members);
  const membersByPool = new Map<string, Sourced[]>();
  for (const m of set.members) {
    const pool = str(m.obj.pool_id);
    if (!pool) continue;
    const list = membersByPool.get(pool);
    if (list) list.push(m);
    else membersByPool.set(pool, [m]);
  }
  const monitorsByPool = new Map<string, Sourced>();
  for (const h of set.healthmonitors)
    for (const pool of [...ids(h.obj.pools), ...ids(h.obj.pool_id)]) monitorsByPool.set(pool, h);
  const rulesById = byId(set.l7rules);
  const usedMembers = new Set<Sourced>();
  const usedMonitors = new Set<Sourced>();

  const entries = new Map<string | undefined, AssembledEntry>();
  for (const r of set.loadbalancers) {
    entries.set(str(r.obj.id), {
      loadbalancer: mapLoadBalancer(r, notes),
      listeners: [],
      pools: [],
      l7policies: [],
    });
  }
  const entryFor = (owner: string | undefined, what: string, r: Sourced): AssembledEntry | undefined => {
    const entry = entries.get(owner ?? onlyLb);
    if (!entry)
      notes.add(
        'left-out',
        what,
        owner ? `its load balancer ${owner} is not among the inputs` : 'no load balancer links to it',
        r.where,
      );
    return entry;
  };

  const listenerNames = new Map<string, string>();
  for (const r of set.listeners) {
    const entry = entryFor(ownerOf(r.obj, 'listeners', set.loadbalancers), label('listeners', r.obj), r);
    const listener = entry && mapListener(r, ipgroups, notes);
    if (!entry || !listener) continue;
    // Names key listeners in the inventory; the API allows several with one name.
    if (entry.listeners.some((l) => l.name === listener.name)) {
      const renamed = `${listener.name}-${str(listener.id) ?? entry.listeners.length}`;
      notes.add('assumed', `listener name "${listener.name}"`, `used twice; renamed "${renamed}"`, r.where);
      listener.name = renamed;
    }
    entry.listeners.push(listener);
    const id = str(r.obj.id);
    if (id) listenerNames.set(id, listener.name as string);
  }

  for (const r of set.pools) {
    const o = r.obj;
    let owner = ownerOf(o, 'pools', set.loadbalancers);
    if (!owner) {
      // A pool may name only its listener: its load balancer is the listener's.
      const viaListener = [...ids(o.listeners), ...ids(o.listener_id)][0];
      const listener = set.listeners.find((l) => str(l.obj.id) === viaListener);
      owner = listener ? ownerOf(listener.obj, 'listeners', set.loadbalancers) : undefined;
    }
    const entry = entryFor(owner, label('pools', o), r);
    if (!entry) continue;
    const poolId = str(o.id);
    const memberRefs = new Set(ids(o.members));
    // A member names its pool, or the pool names its members: either link will do.
    const members = [
      ...new Set([
        ...(poolId ? (membersByPool.get(poolId) ?? []) : []),
        ...[...memberRefs].flatMap((id) => membersById.get(id) ?? []),
      ]),
    ];
    for (const m of members) usedMembers.add(m);
    for (const ref of memberRefs) {
      if (!membersById.has(ref))
        notes.add(
          'left-out',
          `${label('pools', o)} member ${ref}`,
          'named by the pool but not among the inputs: save the pool members list too',
          r.where,
        );
    }
    let monitorSrc: Sourced | undefined;
    if (isObject(o.healthmonitor)) monitorSrc = { obj: o.healthmonitor, where: r.where };
    else {
      const ref = str(o.healthmonitor_id);
      monitorSrc =
        (ref ? monitorsById.get(ref) : undefined) ?? (poolId ? monitorsByPool.get(poolId) : undefined);
      if (ref && !monitorsById.has(ref))
        notes.add(
          'left-out',
          `${label('pools', o)} health check ${ref}`,
          'named by the pool but not among the inputs: save the health monitor too',
          r.where,
        );
    }
    if (monitorSrc) usedMonitors.add(monitorSrc);
    const monitor = monitorSrc ? mapMonitor(monitorSrc, notes) : undefined;
    const pool = mapPool(
      r,
      members.map((m) => mapMember(m, notes)).filter((m) => m !== undefined),
      monitor,
      notes,
    );
    if (pool) entry.pools.push(pool);
  }
  for (const m of set.members)
    if (!usedMembers.has(m))
      notes.add('left-out', label('members', m.obj), 'no pool among the inputs names it', m.where);
  for (const h of set.healthmonitors)
    if (!usedMonitors.has(h))
      notes.add('left-out', label('healthmonitors', h.obj), 'no pool among the inputs uses it', h.where);

  for (const r of set.l7policies) {
    const listenerId = str(r.obj.listener_id);
    const listenerName = listenerId ? listenerNames.get(listenerId) : undefined;
    const listener = set.listeners.find((l) => str(l.obj.id) === listenerId);
    const entry = listener
      ? entries.get(ownerOf(listener.obj, 'listeners', set.loadbalancers) ?? onlyLb)
      : undefined;
    if (!listenerName || !entry) {
      notes.add('left-out', label('l7policies', r.obj), 'its listener is not among the inputs', r.where);
      continue;
    }
    const policyId = str(r.obj.id);
    const rules = [
      ...ids(r.obj.rules).flatMap((id) => rulesById.get(id) ?? []),
      ...set.l7rules.filter((x) => policyId !== undefined && str(x.obj.l7policy_id) === policyId),
    ];
    const policy = mapPolicy(r, [...new Set(rules)], listenerName, notes);
    if (policy) entry.l7policies.push(policy);
  }

  const certificates = set.certificates.map((r) => mapCertificate(r, notes)).filter((c) => c !== undefined);
  return { loadbalancers: [...entries.values()], certificates };
}
