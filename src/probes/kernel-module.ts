// kernel-module: is a kernel module loaded? For TCP listeners the TOA module
// passes the client address to the backend (FAQ 3.9 Layer 4, method 2).

import type { z } from 'zod';
import type { Proof, Same } from './contracts/define.js';
import {
  type KernelModuleParams,
  kernelModuleContract,
  type kernelModuleEntry,
} from './contracts/kernel-module.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import type { KernelModule } from './parsers/modules.js';
import { parseModules } from './parsers/modules.js';
import type { HostProbe } from './types.js';

export { type KernelModuleParams, kernelModuleParams } from './contracts/kernel-module.js';

/** The data schema's entries are exactly what the parser reports. */
export type KernelModuleListed = Proof<Same<z.infer<typeof kernelModuleEntry>, KernelModule>>;

export const kernelModuleProbe: HostProbe<KernelModuleParams> = {
  ...kernelModuleContract,
  sections: () => [{ id: 'modules' }],
  evaluate(p, outputs) {
    const out = findSection(outputs, { id: 'modules' });
    const problem = sectionProblem(out, '/proc/modules');
    if (problem) return couldNotCheck(problem, rawOf(out));
    // Module names use "_" in /proc/modules whatever the file name says.
    const want = p.name.replaceAll('-', '_');
    const mod = parseModules(out!.stdout).find((m) => m.name === want);
    const actual = mod ? 'loaded' : 'absent';
    const data = { name: want, loaded: Boolean(mod), module: mod ?? null };
    const ok = actual === p.expect;
    return {
      outcome: ok ? 'pass' : 'fail',
      summary: `kernel module ${want} is ${actual}${!ok && p.expect === 'loaded' && want === 'toa' ? ': TCP backends see the load balancer address, not the client (FAQ 3.9)' : ''}`,
      data,
      expected: p.expect,
      actual,
      durationMs: 0,
      raw: rawOf(out),
    };
  },
};
