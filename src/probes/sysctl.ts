// sysctl: reads kernel parameters and compares them with expected values.

import { type SysctlParams, sysctlContract } from './contracts/sysctl.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseSysctl, parseSysctlMissing } from './parsers/sysctl.js';
import type { HostProbe } from './types.js';

export { type SysctlParams, sysctlParams } from './contracts/sysctl.js';

const norm = (v: string | number) => String(v).trim().replace(/\s+/g, ' ');

export const sysctlProbe: HostProbe<SysctlParams> = {
  ...sysctlContract,
  sections: (p) => [{ id: 'sysctl', args: [...new Set([...p.keys, ...Object.keys(p.expect ?? {})])] }],
  evaluate(p, outputs) {
    const req = sysctlProbe.sections(p)[0]!;
    const out = findSection(outputs, req);
    const values = out ? parseSysctl(out.stdout) : {};
    // sysctl exits non-zero when one key is unknown but still prints the others.
    const problem = Object.keys(values).length === 0 ? sectionProblem(out, 'sysctl') : undefined;
    if (problem) return couldNotCheck(problem, rawOf(out));
    const missing = req.args!.filter((k) => values[k] === undefined);
    const reported = out ? parseSysctlMissing(out.stderr) : [];
    const data = { values, missing };
    const wrong = Object.entries(p.expect ?? {}).filter(
      ([k, v]) => values[k] !== undefined && norm(values[k]) !== norm(v),
    );
    if (wrong.length) {
      const list = wrong.map(([k, v]) => `${k} = ${values[k]} (expected ${v})`);
      return {
        outcome: 'fail',
        summary: list.join('; '),
        data,
        expected: wrong.map(([k, v]) => `${k} = ${v}`).join(', '),
        actual: wrong.map(([k]) => `${k} = ${values[k]}`).join(', '),
        durationMs: 0,
        raw: rawOf(out),
      };
    }
    const expectedMissing = missing.filter((k) => p.expect?.[k] !== undefined);
    if (expectedMissing.length) {
      return couldNotCheck(
        `${expectedMissing.join(', ')} not present on this host${reported.length ? '' : ' (no such key)'}`,
        rawOf(out),
        data,
      );
    }
    return {
      outcome: 'pass',
      summary: Object.entries(values)
        .map(([k, v]) => `${k} = ${v}`)
        .join('; '),
      data,
      durationMs: 0,
      raw: rawOf(out),
    };
  },
};
