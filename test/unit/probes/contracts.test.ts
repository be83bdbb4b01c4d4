// Each probe is its contract plus an implementation: the registries load
// probes whose kind, params and data are the contract's very objects, the
// contract modules stay light (no sockets, no ssh, no reference LB), and every
// field says what it means (docs/probes.md renders those descriptions).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { probeContracts, probeKinds } from '../../../src/probes/contracts/index.js';
import { hostProbes } from '../../../src/probes/host-registry.js';
import { networkProbes } from '../../../src/probes/network-registry.js';
import { probeKinds as registryKinds } from '../../../src/probes/registry.js';

const loaders = { ...networkProbes, ...hostProbes };

describe('probe contracts', () => {
  it('cover exactly the registered kinds', () => {
    expect(probeKinds()).toEqual(registryKinds());
  });

  it.each(Object.entries(loaders))('%s loads a probe made of its contract', async (kind, load) => {
    const probe = await load();
    const contract = probeContracts[kind as keyof typeof probeContracts];
    expect(probe.kind).toBe(kind);
    expect(contract.kind).toBe(kind);
    expect(probe.needs).toBe(contract.needs);
    expect(probe.needs).toBe(kind in networkProbes ? 'network' : 'host');
    expect(probe.summary).toBe(contract.summary);
    expect(probe.params).toBe(contract.params);
    expect(probe.data).toBe(contract.data);
  });

  it.each(probeKinds())('%s: every parameter and data field has a description', (kind) => {
    const { params, data } = probeContracts[kind];
    const missing: string[] = [];
    const walk = (s: Record<string, unknown>, path: string, where: string): void => {
      const props = s.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [name, p] of Object.entries(props ?? {})) {
        const at = path ? `${path}.${name}` : name;
        if (typeof p.description !== 'string' || p.description === '') missing.push(`${where} ${at}`);
        for (const nested of [p, p.items, ...((p.anyOf as Record<string, unknown>[]) ?? [])]) {
          if (nested && typeof nested === 'object') walk(nested as Record<string, unknown>, at, where);
        }
      }
    };
    walk(z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }), '', 'params');
    walk(z.toJSONSchema(data, { unrepresentable: 'any' }), '', 'data');
    // The inventory's HealthMonitor and IpGroup fields are documented in the inventory schema.
    expect(
      missing.filter((m) => !m.startsWith('params monitor.') && !m.startsWith('params ipgroup.')),
    ).toEqual([]);
  });
});

describe('contract modules are light', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');
  const forbidden = /^(node:|undici$|execa$|node-ssh$|ssh2$|fast-xml-parser$)/;

  /** Runtime imports (not `import type`) of a module and everything it imports, transitively. */
  function runtimeImports(file: string, seen = new Set<string>()): string[] {
    if (seen.has(file)) return [];
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const out: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)';/gms)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        out.push(spec);
        continue;
      }
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      out.push(target.slice(root.length + 1));
      out.push(...runtimeImports(target, seen));
    }
    return out;
  }

  it.each(probeKinds())('contracts/%s.ts imports no sockets, ssh, execa or reference LB', (kind) => {
    const imports = runtimeImports(resolve(root, `probes/contracts/${kind}.ts`));
    const heavy = imports.filter(
      (i) =>
        forbidden.test(i) ||
        /^(reference|runners|transport\/dialers|engine|playbook|cli)\//.test(i) ||
        (/^probes\/[^/]+\.ts$/.test(i) &&
          ![
            'probes/network-params.ts',
            'probes/host-params.ts',
            'probes/http-expect.ts',
            'probes/types.ts',
          ].includes(i)),
    );
    expect(heavy).toEqual([]);
  });
});
