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

const PROC = { id: 'modules' } as const;
const SYS = { id: 'sys-module' } as const;

export const kernelModuleProbe: HostProbe<KernelModuleParams> = {
  ...kernelModuleContract,
  sections: () => [PROC, SYS],
  evaluate(p, outputs) {
    const proc = findSection(outputs, PROC);
    const sys = findSection(outputs, SYS);
    // Module names use "_" in /proc/modules and /sys/module whatever the file name says.
    const want = p.name.replaceAll('-', '_');
    const procProblem = sectionProblem(proc, '/proc/modules');
    let mod: KernelModule | undefined;
    let loaded: boolean;
    let source: '/proc/modules' | '/sys/module';
    let raw: string;
    if (!procProblem) {
      mod = parseModules(proc!.stdout).find((m) => m.name === want);
      loaded = Boolean(mod);
      source = '/proc/modules';
      raw = rawOf(proc);
    } else {
      const sysProblem = sectionProblem(sys, '/sys/module');
      if (sysProblem) return couldNotCheck(`${procProblem}; ${sysProblem}`, rawOf(proc, sys));
      loaded = sys!.stdout.split('\n').some((l) => l.trim() === want);
      source = '/sys/module';
      raw = rawOf(proc, sys);
    }
    const actual = loaded ? 'loaded' : 'absent';
    const data = { name: want, loaded, module: mod ?? null, source };
    const ok = actual === p.expect;
    // Without /proc/modules the kernel usually cannot load modules at all: say so, it is the fix's first question.
    const where =
      source === '/sys/module'
        ? ' (no /proc/modules: read from /sys/module; this kernel may not load modules at all)'
        : '';
    return {
      outcome: ok ? 'pass' : 'fail',
      summary: `kernel module ${want} is ${actual}${where}${!ok && p.expect === 'loaded' && want === 'toa' ? ': TCP backends see the load balancer address, not the client (FAQ 3.9)' : ''}`,
      data,
      expected: p.expect,
      actual,
      durationMs: 0,
      raw,
    };
  },
};
