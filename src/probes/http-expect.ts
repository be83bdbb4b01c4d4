// Status expectations as a playbook writes them: 200, "2xx", "200-299",
// "200,202,401" (the shared LB's healthy codes, FAQ 2.2), or a list of those.
import { z } from 'zod';

const statusItem = z.union([z.number().int().min(100).max(599), z.string().trim().min(1)]);
export const statusExpectation = z.union([statusItem, z.array(statusItem).min(1)]);
export type StatusExpectation = z.infer<typeof statusExpectation>;

export interface StatusRange {
  from: number;
  to: number;
}

/** Parses an expectation into ranges; throws a message fit for a zod issue when malformed. */
export function parseStatusExpectation(exp: StatusExpectation): StatusRange[] {
  const items = Array.isArray(exp) ? exp : [exp];
  const ranges: StatusRange[] = [];
  for (const item of items) {
    if (typeof item === 'number') {
      ranges.push({ from: item, to: item });
      continue;
    }
    for (const part of item.split(',').map((p) => p.trim())) {
      const klass = /^([1-5])xx$/i.exec(part);
      const span = /^(\d{3})\s*-\s*(\d{3})$/.exec(part);
      if (klass) {
        const d = Number(klass[1]) * 100;
        ranges.push({ from: d, to: d + 99 });
      } else if (span) {
        const from = Number(span[1]);
        const to = Number(span[2]);
        if (from > to || from < 100 || to > 599)
          throw new Error(`status range "${part}" is out of order or not 100-599`);
        ranges.push({ from, to });
      } else if (/^\d{3}$/.test(part) && Number(part) >= 100 && Number(part) <= 599) {
        ranges.push({ from: Number(part), to: Number(part) });
      } else {
        throw new Error(`status "${part}" is not a code (200), a class (2xx) or a range (200-299)`);
      }
    }
  }
  return ranges;
}

export function statusMatches(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((r) => status >= r.from && status <= r.to);
}

export function formatStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(', ');
}
