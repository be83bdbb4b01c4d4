// The table FAQ 7.5 asks a user to send to customer service, filled with what
// the run and its inventory know. What neither knows stays visibly empty
// ("unknown — please add") so the person filing the ticket completes it instead
// of sending a half-filled form.
import type { RunResult } from '../engine/result.js';
import type { Inventory, LoadBalancerEntry } from '../model/inventory.js';
import { memberName } from '../model/inventory.js';

export const UNKNOWN = 'unknown — please add';

export interface TicketRow {
  item: string;
  value: string;
}

function fact(result: RunResult, ...names: string[]): string | undefined {
  for (const name of names) {
    const f = result.facts.find(
      (x) => x.source !== 'unknown' && (x.key === name || x.key.startsWith(`${name}@`)),
    );
    if (f && f.value !== null && f.value !== undefined && f.value !== '') return String(f.value);
  }
  return undefined;
}

/** The load balancer the run is about: the one whose VIP/EIP and port match the target, else the first. */
function pickEntry(result: RunResult, inventory: Inventory | undefined): LoadBalancerEntry | undefined {
  const entries = inventory?.loadbalancers ?? [];
  const target = result.target ?? '';
  return (
    entries.find((e) =>
      [e.loadbalancer.vip_address, e.loadbalancer.eip].some((ip) => ip && target.includes(ip)),
    ) ?? entries[0]
  );
}

function targetPort(result: RunResult): number | undefined {
  const m = /:(\d+)\/?$/.exec(result.target ?? '');
  return m ? Number(m[1]) : undefined;
}

export function supportTicketRows(result: RunResult, inventory?: Inventory): TicketRow[] {
  const entry = pickEntry(result, inventory);
  const lb = entry?.loadbalancer;
  const port = targetPort(result);
  const named = new Set(
    [...result.findings, ...result.checks].flatMap((x) =>
      x.subject?.kind === 'listener' ? [x.subject.name] : [],
    ),
  );
  const listeners = entry?.listeners ?? [];
  const concerned = listeners.filter(
    (l) => named.has(l.name) || (port !== undefined && l.protocol_port === port),
  );
  const shownListeners = concerned.length > 0 ? concerned : listeners;

  const pools = (entry?.pools ?? []).filter(
    (p) => shownListeners.length === 0 || shownListeners.some((l) => l.default_pool_id === p.id),
  );
  const healthChecks = pools.flatMap((p) => {
    const hm = p.healthmonitor;
    if (!hm) return [`${p.id}: no health check`];
    if (!hm.admin_state_up) return [`${p.id}: ${hm.type} (disabled)`];
    return [`${p.id}: ${hm.type} port ${hm.monitor_port ?? 'of each member'}`];
  });

  // Health check result: what the console shows for each member, else what the run's health checks saw.
  const memberStatus = pools.flatMap((p) =>
    p.members.filter((m) => m.operating_status).map((m) => `${memberName(m)} ${m.operating_status}`),
  );
  const checkStatus = result.checks
    .filter((c) => /health/i.test(`${c.probe} ${c.step} ${c.item ?? ''}`) && c.subject)
    .map((c) => `${c.subject?.name} ${c.outcome}: ${c.observation.summary}`);
  const health = [...memberStatus, ...checkStatus];

  // Members the findings concern come first: those are the servers support should look at.
  const concernedMembers = [
    ...new Set(result.findings.flatMap((f) => (f.subject?.kind === 'member' ? [f.subject.name] : []))),
  ];
  const allMembers = pools.flatMap((p) => p.members.map((m) => ({ name: memberName(m), id: m.id, m })));
  const ordered = [
    ...concernedMembers.map(
      (n) => allMembers.find((x) => x.name === n) ?? { name: n, id: undefined, m: undefined },
    ),
    ...allMembers.filter((x) => !concernedMembers.includes(x.name)),
  ];
  const memberText = (i: number) => {
    const x = ordered[i];
    if (!x) return fact(result, `ecs${i + 1}_id`) ?? UNKNOWN;
    const id = x.id ?? fact(result, `ecs_id@member:${x.name}`);
    const where = x.m ? `${x.name} (${x.m.address}:${x.m.protocol_port})` : x.name;
    return id ? `${id}: ${where}` : `${where}: ECS ID ${UNKNOWN}`;
  };

  const ips = [lb?.vip_address ? `${lb.vip_address} (private)` : '', lb?.eip ? `${lb.eip} (EIP)` : ''].filter(
    Boolean,
  );
  return [
    {
      item: 'Load balancer ID',
      value:
        lb?.id ?? fact(result, 'loadbalancer_id', 'lb_id') ?? (lb ? `${lb.name}: ID ${UNKNOWN}` : UNKNOWN),
    },
    { item: 'VPC ID', value: fact(result, 'vpc_id') ?? UNKNOWN },
    {
      item: 'Load balancer IP address',
      value: ips.join(', ') || fact(result, 'vip_address') || (result.target ?? UNKNOWN),
    },
    {
      item: 'Listener ID',
      value:
        shownListeners.map((l) => l.id ?? `${l.name}: ID ${UNKNOWN}`).join(', ') ||
        fact(result, 'listener_id') ||
        UNKNOWN,
    },
    {
      item: 'Frontend protocol and port',
      value:
        shownListeners.map((l) => `${l.protocol}/${l.protocol_port ?? 'port range'}`).join(', ') ||
        [fact(result, 'listener_protocol'), port].filter(Boolean).join('/') ||
        UNKNOWN,
    },
    { item: 'Health check protocol and port', value: healthChecks.join('; ') || UNKNOWN },
    { item: 'Health check result', value: health.join('; ') || UNKNOWN },
    { item: 'ID of ECS 1', value: memberText(0) },
    { item: 'ID of ECS 2', value: memberText(1) },
  ];
}
