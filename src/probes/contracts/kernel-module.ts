// kernel-module: is a kernel module loaded? (TOA for client IPs on TCP listeners, FAQ 3.9)
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

export const kernelModuleParams = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a module name such as toa')
      .default('toa')
      .describe('module name ("-" and "_" are the same)'),
    expect: z.enum(['loaded', 'absent']).default('loaded').describe('what passes'),
  })
  .strict();
export type KernelModuleParams = z.infer<typeof kernelModuleParams>;

export const kernelModuleEntry = z
  .object({
    name: z.string().describe('module name'),
    size: z.number().int().describe('size, bytes'),
    usedBy: z.number().int().describe('reference count'),
    state: sometimes('/proc/modules', z.string().describe('Live, Loading or Unloading')),
  })
  .strict();

const whenRead = 'pass, fail';

export const kernelModuleData = z
  .object({
    name: sometimes(whenRead, z.string().describe('module name as /proc/modules spells it ("_")')),
    loaded: sometimes(whenRead, z.boolean().describe('the module is loaded')),
    module: sometimes(
      whenRead,
      kernelModuleEntry
        .nullable()
        .describe('the /proc/modules entry; null: not loaded, or read from /sys/module'),
    ),
    source: sometimes(
      whenRead,
      z
        .enum(['/proc/modules', '/sys/module'])
        .describe('where it was read: /sys/module only when /proc/modules is missing'),
    ),
  })
  .strict();

export const kernelModuleContract = defineContract({
  kind: 'kernel-module',
  needs: 'host',
  summary: 'a kernel module is loaded (e.g. toa for client IPs on TCP listeners, FAQ 3.9)',
  params: kernelModuleParams,
  data: kernelModuleData,
});
