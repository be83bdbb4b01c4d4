// The operator's machine as a vantage: the local dialer for network probes and
// one batched local read for host probes.
import { localDialer } from '../transport/dialers/local.js';
import { createBatchReader } from './batch.js';
import { LocalRunner } from './local.js';
import type { Vantage } from './types.js';

export function createLocalVantage(options: { timeoutMs?: number } = {}): Vantage {
  return {
    name: 'local',
    dialer: localDialer,
    host: createBatchReader(new LocalRunner(), {
      host: 'local',
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    }),
    timings: {},
  };
}
