// Parameter pieces shared by the network probes, so every probe spells a
// target the same way in a playbook's `with:` and on the command line.
import { z } from 'zod';

/** A host name or IP literal; IPv6 may be written bare or in brackets. */
export const hostParam = z
  .string()
  .trim()
  .min(1, 'host must not be empty')
  .max(253)
  .refine((h) => !/[\s/?#@]/.test(h), {
    message: 'host must be a name or an IP address (no scheme, path or user)',
  })
  // Never a leading dash: hosts reach the argv of tools like ping, where it would read as an option.
  .refine((h) => !h.startsWith('-'), { message: 'host must not start with "-"' });

export const portParam = z.number().int('port must be an integer').min(1).max(65535);

export const targetParams = z.object({ host: hostParam, port: portParam });

/** "host:port" as written in a summary (brackets around IPv6). */
export function formatTarget(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Milliseconds, rounded for people. */
export function ms(value: number): number {
  return Math.round(value * 100) / 100;
}
