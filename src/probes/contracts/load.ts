// load: is the host overloaded? (FAQ 2.1/2.2 "Checking the Backend Server Load")
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const loadParams = z
  .object({
    maxLoadPerCpu: z
      .number()
      .positive()
      .default(1)
      .describe('highest acceptable 1-minute load average per CPU'),
    minAvailableMemoryPercent: z
      .number()
      .min(0)
      .max(100)
      .default(10)
      .describe('lowest acceptable available memory, percent of total'),
  })
  .strict();
export type LoadParams = z.infer<typeof loadParams>;

const whenRead = 'pass, fail';

export const loadData = z
  .object({
    load: sometimes(
      whenRead,
      z
        .object({
          one: z.number().describe('1-minute load average'),
          five: z.number().describe('5-minute load average'),
          fifteen: z.number().describe('15-minute load average'),
          running: sometimes('/proc/loadavg', z.number().int().describe('runnable tasks')),
          total: sometimes('/proc/loadavg', z.number().int().describe('tasks in total')),
        })
        .strict()
        .describe('load averages'),
    ),
    cpus: sometimes(whenRead, z.number().int().describe('online CPUs')),
    loadPerCpu: sometimes(whenRead, z.number().describe('1-minute load per CPU')),
    memory: sometimes(
      whenRead,
      z
        .object({
          totalKb: z.number().describe('MemTotal, kB'),
          availableKb: z.number().describe('MemAvailable (or free + buffers + cached), kB'),
          estimated: z
            .boolean()
            .describe('availableKb is an estimate (kernels before 3.14 have no MemAvailable)'),
          swapTotalKb: sometimes('/proc/meminfo lists it', z.number().describe('SwapTotal, kB')),
          swapFreeKb: sometimes('/proc/meminfo lists it', z.number().describe('SwapFree, kB')),
        })
        .strict()
        .describe('memory figures'),
    ),
    availableMemoryPercent: sometimes(whenRead, z.number().describe('available memory, percent of total')),
  })
  .strict();

export const loadContract = defineContract({
  kind: 'load',
  needs: 'host',
  summary: 'load average per CPU and available memory (FAQ 2.1/2.2 backend load)',
  params: loadParams,
  data: loadData,
});
