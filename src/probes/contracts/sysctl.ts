// sysctl: kernel parameters, optionally compared with expected values.
import { z } from 'zod';
import { defineContract, sometimes } from './define.js';

const key = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+$/, 'expected a kernel parameter such as net.core.somaxconn');

export const sysctlParams = z
  .object({
    keys: z.array(key).min(1).max(64).describe('kernel parameters to read, e.g. net.core.somaxconn'),
    expect: z
      .record(key, z.union([z.string(), z.number()]))
      .optional()
      .describe(
        'expected values by key (also read); whitespace inside values (port ranges) compares as one space',
      ),
  })
  .strict();
export type SysctlParams = z.infer<typeof sysctlParams>;

const whenRead = 'pass, fail; error when an expected key is missing';

export const sysctlData = z
  .object({
    values: sometimes(
      whenRead,
      z.record(z.string(), z.string()).describe('value of each key read, by dotted name, whitespace folded'),
    ),
    missing: sometimes(whenRead, z.array(z.string()).describe('keys asked for that this host does not have')),
  })
  .strict();

export const sysctlContract = defineContract({
  kind: 'sysctl',
  needs: 'host',
  summary: 'kernel parameters (sysctl), optionally compared with expected values',
  params: sysctlParams,
  data: sysctlData,
});
