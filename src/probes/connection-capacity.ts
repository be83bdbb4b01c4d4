// connection-capacity: perMember × members × AZs against what must be
// carried (FAQ 1.1, 1.10). The configuration's arithmetic, kept in a probe so
// the playbooks (which cannot compute) branch on its outcome and print the sum.
import {
  type ConnectionCapacityParams,
  connectionCapacityContract,
} from './contracts/connection-capacity.js';
import type { NetworkProbe } from './types.js';

export { type ConnectionCapacityParams, connectionCapacityParams } from './contracts/connection-capacity.js';

const n = (x: number) => x.toLocaleString('en-US');

export const connectionCapacityProbe: NetworkProbe<ConnectionCapacityParams> = {
  ...connectionCapacityContract,
  async run(p) {
    const capacity = p.perMember * p.members * p.azs;
    const formula = `${n(p.perMember)} × ${p.members} member(s)${p.azs > 1 ? ` × ${p.azs} AZs` : ''} = ${n(capacity)}`;
    const membersNeeded = Math.ceil(p.required / (p.perMember * p.azs));
    const data = {
      members: p.members,
      perMember: p.perMember,
      azs: p.azs,
      capacity,
      required: p.required,
      formula,
      membersNeeded,
    };
    const expected = `at least ${n(p.required)}`;
    const actual = n(capacity);
    if (capacity < p.required) {
      return {
        outcome: 'fail',
        summary: `${formula} concurrent connections, below the ${n(p.required)} required: ${membersNeeded} member(s) needed`,
        data: { ...data, shortBy: p.required - capacity },
        expected,
        actual,
        durationMs: 0,
      };
    }
    return {
      outcome: 'pass',
      summary: `${formula} concurrent connections, enough for ${n(p.required)}`,
      data,
      expected,
      actual,
      durationMs: 0,
    };
  },
};
