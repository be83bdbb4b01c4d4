// Loaded kernel modules from `/proc/modules` or `lsmod`: e.g. the TOA module
// that passes the client address to TCP backends (FAQ 3.9 Layer 4, method 2).

export interface KernelModule {
  name: string;
  size: number;
  usedBy: number;
  state?: string;
}

export function parseModules(text: string): KernelModule[] {
  const out: KernelModule[] = [];
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w.length < 3 || w[0] === 'Module' || !/^\d+$/.test(w[1]!)) continue;
    const mod: KernelModule = { name: w[0]!, size: Number(w[1]), usedBy: Number(w[2]) };
    // /proc/modules: name size refcount deps state address.
    const state = w.find((x) => x === 'Live' || x === 'Loading' || x === 'Unloading');
    if (state) mod.state = state;
    out.push(mod);
  }
  return out;
}
