// connection-count-compare: Cloud Eye's active connections against what the
// members hold (FAQ 6.11). Behind a TCP listener every client connection is
// one member connection, so the two figures agree within the noise of reading
// them at slightly different moments. Figures from different times, or a sum
// with a member missing, are not compared at all: that would be a guess.
import {
  type ConnectionCountCompareParams,
  connectionCountCompareContract,
} from './contracts/connection-count-compare.js';
import type { NetworkProbe } from './types.js';

export {
  type ConnectionCountCompareParams,
  connectionCountCompareParams,
} from './contracts/connection-count-compare.js';

/** Smallest tolerance: a connection opening or closing between two readings is not a finding. */
const MIN_TOLERANCE = 2;
const DAY_MINUTES = 24 * 60;

/** Minutes between an HH:MM (UTC) and `now`, the shorter way round midnight. */
export function minutesApart(readAt: string, now: Date): number {
  const [h, m] = readAt.split(':').map(Number) as [number, number];
  const diff = Math.abs(h * 60 + m - (now.getUTCHours() * 60 + now.getUTCMinutes()));
  return Math.min(diff, DAY_MINUTES - diff);
}

export const connectionCountCompareProbe: NetworkProbe<ConnectionCountCompareParams> = {
  ...connectionCountCompareContract,
  async run(p) {
    const now = new Date();
    const apart = minutesApart(p.readAt, now);
    const difference = p.loadBalancer - p.members;
    const tolerance = Math.max(
      MIN_TOLERANCE,
      Math.ceil((Math.max(p.loadBalancer, p.members) * p.tolerancePercent) / 100),
    );
    const data = {
      loadBalancer: p.loadBalancer,
      members: p.members,
      difference,
      tolerance,
      minutesApart: apart,
    };
    const figures = `Cloud Eye ${p.loadBalancer} at ${p.readAt} UTC, the members ${p.members}`;
    const base = {
      data,
      durationMs: 0,
      expected: `${p.loadBalancer} ± ${tolerance}`,
      actual: String(p.members),
    };
    if (p.unread > 0) {
      const reason = `${p.unread} member(s) could not be read, so their connections are missing from the sum of ${p.members}`;
      return { ...base, outcome: 'error', summary: `not compared: ${reason}`, reason };
    }
    if (apart > p.maxMinutesApart) {
      const reason = `Cloud Eye's figure is from ${p.readAt} UTC, the members were read at ${now.toISOString().slice(11, 16)} UTC: ${apart} minutes apart (at most ${p.maxMinutesApart})`;
      return { ...base, outcome: 'error', summary: `not compared: ${reason}`, reason };
    }
    if (Math.abs(difference) <= tolerance) {
      return { ...base, outcome: 'pass', summary: `${figures}: they match (within ±${tolerance})` };
    }
    const direction = difference > 0 ? 'fewer' : 'more';
    const gap =
      direction === 'fewer'
        ? `the members hold ${difference} fewer than Cloud Eye counts`
        : `the members hold ${-difference} more than Cloud Eye counts`;
    return {
      ...base,
      outcome: 'fail',
      summary: `${figures}: ${gap} (more than ±${tolerance})`,
      data: { ...data, direction },
    };
  },
};
