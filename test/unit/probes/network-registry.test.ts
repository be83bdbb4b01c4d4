import { describe, expect, it } from 'vitest';
import { networkProbes } from '../../../src/probes/network-registry.js';

describe('network probe registry', () => {
  it.each(Object.entries(networkProbes))('%s loads a network probe of that kind', async (kind, load) => {
    const probe = await load();
    expect(probe.kind).toBe(kind);
    expect(probe.needs).toBe('network');
    expect(typeof probe.summary).toBe('string');
  });
});
