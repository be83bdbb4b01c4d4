// kernel-module: is a kernel module loaded? For TCP listeners the TOA module
// passes the client address to the backend (FAQ 3.9 Layer 4, method 2).
import { z } from 'zod';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseModules } from './parsers/modules.js';
import type { HostProbe } from './types.js';

export const kernelModuleParams = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a module name such as toa')
      .default('toa'),
    expect: z.enum(['loaded', 'absent']).default('loaded'),
  })
  .strict();
export type KernelModuleParams = z.infer<typeof kernelModuleParams>;

export const kernelModuleProbe: HostProbe<KernelModuleParams> = {
  kind: 'kernel-module',
  needs: 'host',
  summary: 'a kernel module is loaded (e.g. toa for client IPs on TCP listeners, FAQ 3.9)',
  params: kernelModuleParams,
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
