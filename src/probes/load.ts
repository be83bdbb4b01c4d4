// load: is the host overloaded? FAQ 2.1/2.2 "Checking the Backend Server
// Load": a busy backend answers health checks late and is marked unhealthy.

import { type LoadParams, loadContract } from './contracts/load.js';
import { couldNotCheck, findSection, rawOf, sectionProblem } from './host-probe-support.js';
import { parseCpuCount, parseLoadavg, parseMeminfo } from './parsers/load.js';
import type { HostProbe } from './types.js';

export { type LoadParams, loadParams } from './contracts/load.js';

const round = (n: number) => Math.round(n * 100) / 100;

export const loadProbe: HostProbe<LoadParams> = {
  ...loadContract,
  sections: () => [{ id: 'loadavg' }, { id: 'cpus' }, { id: 'meminfo' }],
  evaluate(p, outputs) {
    const [la, cpu, mem] = (['loadavg', 'cpus', 'meminfo'] as const).map((id) =>
      findSection(outputs, { id }),
    );
    const raw = rawOf(la, cpu, mem);
    const problem =
      sectionProblem(la, '/proc/loadavg') ??
      sectionProblem(cpu, 'nproc') ??
      sectionProblem(mem, '/proc/meminfo');
    const load = la && parseLoadavg(la.stdout);
    const cpus = cpu && parseCpuCount(cpu.stdout);
    const memory = mem && parseMeminfo(mem.stdout);
    if (problem || !load || !cpus || !memory)
      return couldNotCheck(problem ?? 'unreadable load, CPU or memory figures', raw);
    const perCpu = round(load.one / cpus);
    const availablePercent = round((memory.availableKb / memory.totalKb) * 100);
    const data = { load, cpus, loadPerCpu: perCpu, memory, availableMemoryPercent: availablePercent };
    const actual = `load ${load.one} on ${cpus} CPU(s) (${perCpu}/CPU), ${availablePercent}% memory available${memory.estimated ? ' (estimated)' : ''}`;
    const expected = `≤ ${p.maxLoadPerCpu} load per CPU, ≥ ${p.minAvailableMemoryPercent}% memory available`;
    const problems: string[] = [];
    if (perCpu > p.maxLoadPerCpu) problems.push(`load ${load.one} is ${perCpu} per CPU on ${cpus} CPU(s)`);
    if (availablePercent < p.minAvailableMemoryPercent)
      problems.push(`only ${availablePercent}% of memory available`);
    if (problems.length) {
      return {
        outcome: 'fail',
        summary: `overloaded: ${problems.join('; ')} — health checks may time out`,
        data,
        expected,
        actual,
        durationMs: 0,
        raw,
      };
    }
    return { outcome: 'pass', summary: actual, data, expected, actual, durationMs: 0, raw };
  },
};
