// Host load (FAQ 2.1/2.2 "Checking the Backend Server Load"): an overloaded
// backend answers health checks late and is marked unhealthy.

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
  running?: number;
  total?: number;
}

/** `/proc/loadavg`: "0.52 0.58 0.59 2/345 12345"; also the tail of `uptime`. */
export function parseLoadavg(text: string): LoadAverage | undefined {
  const proc = /^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)(?:\s+(\d+)\/(\d+))?/.exec(text);
  if (proc) {
    const out: LoadAverage = { one: Number(proc[1]), five: Number(proc[2]), fifteen: Number(proc[3]) };
    if (proc[4] !== undefined) {
      out.running = Number(proc[4]);
      out.total = Number(proc[5]);
    }
    return out;
  }
  const up = /load averages?:\s*([\d.]+),?\s+([\d.]+),?\s+([\d.]+)/.exec(text);
  return up ? { one: Number(up[1]), five: Number(up[2]), fifteen: Number(up[3]) } : undefined;
}

/** `nproc` / `getconf _NPROCESSORS_ONLN`: one integer. */
export function parseCpuCount(text: string): number | undefined {
  const m = /^\s*(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

export interface MemInfo {
  totalKb: number;
  /** MemAvailable, or an estimate (free + buffers + cached) on kernels older than 3.14 (CentOS 6). */
  availableKb: number;
  estimated: boolean;
  swapTotalKb?: number;
  swapFreeKb?: number;
}

export function parseMeminfo(text: string): MemInfo | undefined {
  const kb: Record<string, number> = {};
  for (const m of text.matchAll(/^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s*kB)?\s*$/gm)) kb[m[1]!] = Number(m[2]);
  if (kb.MemTotal === undefined) return undefined;
  const estimated = kb.MemAvailable === undefined;
  const out: MemInfo = {
    totalKb: kb.MemTotal,
    availableKb: kb.MemAvailable ?? (kb.MemFree ?? 0) + (kb.Buffers ?? 0) + (kb.Cached ?? 0),
    estimated,
  };
  if (kb.SwapTotal !== undefined) out.swapTotalKb = kb.SwapTotal;
  if (kb.SwapFree !== undefined) out.swapFreeKb = kb.SwapFree;
  return out;
}
