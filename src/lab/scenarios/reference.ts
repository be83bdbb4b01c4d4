// The scenarios' one link to the reference load balancer: start it on an
// inventory (loaded lazily, so `lab scenarios` stays light) and wait until its
// health checks have reached the state a scenario's fault needs.
import { LbdError } from '../../errors.js';
import type { Inventory } from '../../model/inventory.js';
import type { MemberState, ReferenceLogger } from '../../reference/types.js';

export type ReferenceHandle = Awaited<ReturnType<typeof import('../../reference/server.js').startReference>>;

export async function startLabReference(
  inventory: Inventory,
  logger?: ReferenceLogger,
): Promise<ReferenceHandle> {
  const { startReference } = await import('../../reference/server.js');
  return startReference(inventory, logger ? { logger } : {});
}

/** The pool's initial reason before any check answered (src/reference/pool.ts). */
const NOT_YET_CHECKED = /^no health check has answered yet/;

function decided(m: MemberState): boolean {
  return m.healthy || !NOT_YET_CHECKED.test(m.healthReason);
}

/**
 * Waits until every member of each named pool has a health verdict equal to
 * the wanted one. The first check runs at a random moment in the first
 * interval (FAQ 2.6), so this is a poll with a deadline, not a fixed sleep.
 */
export async function waitForHealth(
  handle: ReferenceHandle,
  want: Readonly<Record<string, 'healthy' | 'unhealthy'>>,
  timeoutMs: number,
  scenarioId: string,
): Promise<void> {
  const entries = Object.entries(want);
  if (entries.length === 0) return;
  const pools = handle.pools;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending: string[] = [];
    for (const [poolId, state] of entries) {
      const pool = pools.get(poolId);
      if (!pool)
        throw new LbdError('LBD_ERR_INTERNAL', `lab scenario ${scenarioId}: no pool ${poolId} running`);
      for (const m of pool.members()) {
        if (!decided(m) || m.healthy !== (state === 'healthy'))
          pending.push(`${poolId}/${m.name}: ${m.healthReason}`);
      }
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new LbdError(
        'LBD_ERR_INTERNAL',
        `lab scenario ${scenarioId}: health checks did not settle within ${timeoutMs} ms`,
        { hint: pending.join('; ') },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
