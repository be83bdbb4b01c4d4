// Which HTTP status codes make a health check pass (FAQ 2.8): the monitor's
// `expected_codes` when set ("200", "200,202", "200-204"), otherwise the load
// balancer type's default — dedicated 200 only, shared 200/202/401.
import { ElbDefaults, type HealthMonitor, type LoadBalancer } from '../../model/inventory.js';

export interface ExpectedCodes {
  /** As configured or defaulted, for messages ("200,202,401"). */
  text: string;
  accepts(status: number): boolean;
}

export function parseExpectedCodes(text: string): ExpectedCodes {
  const ranges = text.split(',').map((part) => {
    const [lo, hi] = part.trim().split('-');
    const from = Number(lo);
    const to = hi === undefined ? from : Number(hi);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) {
      throw new RangeError(`expected_codes: "${part}" is not a code or a range like 200-204`);
    }
    return [from, to] as const;
  });
  return { text, accepts: (status) => ranges.some(([from, to]) => status >= from && status <= to) };
}

export function expectedCodesFor(
  monitor: Pick<HealthMonitor, 'expected_codes'>,
  lbType: LoadBalancer['type'],
): ExpectedCodes {
  return parseExpectedCodes(monitor.expected_codes ?? ElbDefaults.healthyCodes[lbType]);
}
