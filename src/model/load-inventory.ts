// Inventory files: parse, validate, normalise to the list form, then check the
// references a schema cannot (pools named by listeners, hosts named by members).
import { resolve } from 'node:path';
import type { z } from 'zod';
import { InputError, type Problem } from '../errors.js';
import { type Inventory, InventoryFile, type LoadBalancerEntry, memberName } from './inventory.js';
import { type LocatedDocument, loadValidated, validateDocument, validateText } from './locate.js';
import { endpointKey } from './net.js';

export async function loadInventory(file: string): Promise<Inventory> {
  const { doc, data } = await loadValidated(file, InventoryFile, 'inventory');
  return finish(doc, data, resolve(file));
}

/** For tests and generated inventories: the same checks on text in memory. */
export function parseInventory(text: string, file = '<inventory>'): Inventory {
  const { doc, data } = validateText(file, text, InventoryFile, 'inventory');
  return finish(doc, data, undefined);
}

/** The same checks on a document already parsed (`lbdoctor validate` reads each file once). */
export function inventoryFromDocument(doc: LocatedDocument, source?: string): Inventory {
  return finish(doc, validateDocument(doc, InventoryFile, 'inventory'), source);
}

function finish(doc: LocatedDocument, data: InventoryFileData, source: string | undefined): Inventory {
  const multi = 'loadbalancers' in data;
  const entries: LoadBalancerEntry[] = multi
    ? data.loadbalancers
    : [
        {
          loadbalancer: data.loadbalancer,
          listeners: data.listeners,
          pools: data.pools,
          l7policies: data.l7policies,
        },
      ];
  const inventory: Inventory = {
    ...(source ? { source } : {}),
    loadbalancers: entries,
    hosts: data.hosts,
    client: data.client ?? null,
    certificates: data.certificates,
    reference: data.reference ?? null,
  };
  const locateTop: Locator = (path) => ({
    file: doc.file,
    ...(doc.locate(path) ?? {}),
    field: fieldOf(path),
  });
  const problems = checkReferences(inventory, {
    top: locateTop,
    // In the single form an entry's fields sit at the top level.
    entry: (path) => locateTop(multi ? ['loadbalancers', ...path] : path.slice(1)),
  });
  if (problems.length > 0) throw new InputError(`${doc.file} is not a valid inventory`, problems);
  return inventory;
}

type InventoryFileData = z.infer<typeof InventoryFile>;

function fieldOf(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

type Locator = (path: PropertyKey[]) => Omit<Problem, 'message'>;

/** "be1, be2, be3, … (12,000 in all)": an `expected` list stays one readable line in a large fleet. */
function someOf(names: Iterable<string>, max = 8): string {
  const all = [...names];
  const shown = all.slice(0, max).join(', ');
  return all.length > max ? `${shown}, … (${all.length.toLocaleString('en-US')} in all)` : shown;
}

/** "inventory.yaml:12:9 (pools[0].members[0])": the other place a duplicate is written. */
function place(loc: Omit<Problem, 'message'>): string {
  const where = [loc.file, loc.line, loc.column].filter((x) => x !== undefined).join(':');
  return loc.field ? `${where} (${loc.field})` : where;
}

interface MemberSeen {
  endpoint: string;
  /** The field that spells the name: `name`, or `address` for a member named by its address:port. */
  at: PropertyKey[];
}

/**
 * One member, one place. The same address:protocol_port twice in a pool: the
 * console refuses the second (the reference LB could not run it). One name for
 * two endpoints: hosts, metrics and reports key on the name, so the two would
 * collapse into one. The same name and endpoint in several pools is one server
 * shared by them (FAQ 1.3), which is fine.
 */
function checkMembers(inv: Inventory, at: Locator): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map<string, MemberSeen>();
  inv.loadbalancers.forEach((entry, e) => {
    entry.pools.forEach((pool, p) => {
      const endpoints = new Map<string, PropertyKey[]>();
      pool.members.forEach((m, i) => {
        const path = [e, 'pools', p, 'members', i];
        const endpoint = endpointKey(m.address, m.protocol_port);
        const sameEndpoint = endpoints.get(endpoint);
        if (sameEndpoint) {
          problems.push({
            ...at([...path, 'address']),
            message: `${endpoint} is already a member of pool "${pool.id}", at ${place(at([...sameEndpoint, 'address']))}`,
            expected: 'each address:protocol_port once per pool (remove one, or correct its address or port)',
          });
          return;
        }
        endpoints.set(endpoint, path);
        const name = memberName(m);
        const here = [...path, m.name === undefined ? 'address' : 'name'];
        const sameName = byName.get(name);
        if (!sameName) byName.set(name, { endpoint, at: here });
        else if (sameName.endpoint !== endpoint) {
          problems.push({
            ...at(here),
            message: `member name "${name}" (${endpoint}) is already the name of ${sameName.endpoint}, at ${place(at(sameName.at))}`,
            expected: 'one name per member: hosts, metrics and reports know a member by its name',
          });
        }
      });
    });
  });
  return problems;
}

/** Cross-references: every problem found, not just the first. Entry paths start at the entry's index. */
export function checkReferences(inv: Inventory, locate: { top: Locator; entry: Locator }): Problem[] {
  const at = locate.entry;
  const problems: Problem[] = checkMembers(inv, at);
  const members = new Set<string>();
  const certIds = new Set(inv.certificates.map((c) => c.id));
  inv.loadbalancers.forEach((entry, e) => {
    const poolIds = new Map<string, number>();
    entry.pools.forEach((pool, p) => {
      if (poolIds.has(pool.id)) {
        problems.push({ ...at([e, 'pools', p, 'id']), message: `duplicate pool id "${pool.id}"` });
      }
      poolIds.set(pool.id, p);
      for (const m of pool.members) members.add(memberName(m));
      if (pool.session_persistence?.type === 'APP_COOKIE' && !pool.session_persistence.cookie_name) {
        problems.push({
          ...at([e, 'pools', p, 'session_persistence']),
          message: 'APP_COOKIE stickiness needs cookie_name',
          expected: 'the name of the cookie your application sets',
        });
      }
    });
    const ports = new Map<string, number>();
    const names = new Set<string>();
    entry.listeners.forEach((l, i) => {
      if (names.has(l.name))
        problems.push({ ...at([e, 'listeners', i, 'name']), message: `duplicate listener name "${l.name}"` });
      names.add(l.name);
      if (l.protocol_port == null && !l.port_ranges?.length) {
        problems.push({
          ...at([e, 'listeners', i]),
          field: fieldOf(['listeners', i, 'protocol_port']),
          message: 'listener has no port',
          expected: 'protocol_port, or port_ranges for a TCP/UDP listener',
        });
      }
      if (l.protocol_port != null) {
        // TCP, HTTP and HTTPS share the TCP port space; UDP and QUIC the UDP one.
        const key = `${l.protocol === 'UDP' || l.protocol === 'QUIC' ? 'udp' : 'tcp'}/${l.protocol_port}`;
        const other = ports.get(key);
        if (other !== undefined) {
          problems.push({
            ...at([e, 'listeners', i, 'protocol_port']),
            message: `port ${key} is already used by listener "${entry.listeners[other]?.name}"`,
          });
        }
        ports.set(key, i);
      }
      if (l.default_pool_id != null && !poolIds.has(l.default_pool_id)) {
        problems.push({
          ...at([e, 'listeners', i, 'default_pool_id']),
          message: `no pool with id "${l.default_pool_id}"`,
          expected: poolIds.size ? `one of ${someOf(poolIds.keys())}` : 'a pool defined under pools',
        });
      }
      for (const [k, ref] of [
        ['default_tls_container_ref', l.default_tls_container_ref],
        ['client_ca_tls_container_ref', l.client_ca_tls_container_ref],
        ...l.sni_container_refs.map((r) => ['sni_container_refs', r] as const),
      ] as const) {
        if (ref != null && !certIds.has(ref)) {
          problems.push({
            ...at([e, 'listeners', i, k]),
            message: `no certificate with id "${ref}"`,
            expected: 'an id under certificates',
          });
        }
      }
      if (l.protocol === 'HTTPS' && l.default_tls_container_ref == null) {
        problems.push({
          ...at([e, 'listeners', i]),
          field: fieldOf(['listeners', i, 'default_tls_container_ref']),
          message: 'HTTPS listener has no server certificate',
          expected: 'default_tls_container_ref naming a certificate (FAQ 1.12)',
        });
      }
    });
    entry.l7policies.forEach((pol, i) => {
      if (!entry.listeners.some((l) => l.name === pol.listener || l.id === pol.listener)) {
        problems.push({
          ...at([e, 'l7policies', i, 'listener']),
          message: `no listener named "${pol.listener}"`,
        });
      }
      if (
        pol.action === 'REDIRECT_TO_POOL' &&
        (pol.redirect_pool_id == null || !poolIds.has(pol.redirect_pool_id))
      ) {
        problems.push({
          ...at([e, 'l7policies', i, 'redirect_pool_id']),
          message:
            pol.redirect_pool_id == null
              ? 'REDIRECT_TO_POOL needs redirect_pool_id'
              : `no pool with id "${pol.redirect_pool_id}"`,
        });
      }
    });
  });
  for (const name of Object.keys(inv.hosts)) {
    if (!members.has(name) && name !== 'client') {
      problems.push({
        ...locate.top(['hosts', name]),
        message: `"${name}" is not the name of any member`,
        expected: members.size ? `one of ${someOf(members)}` : 'a member name',
      });
    }
  }
  return problems;
}
