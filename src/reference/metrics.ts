// Counters the reference load balancer keeps for its admin port: the numbers
// ELB's Cloud Eye metrics show (FAQ 7.8 splits Layer-7 codes the LB produced
// from codes the backends returned; 1.9 points at "Unhealthy Servers").
// Rendered as Prometheus text by admin.ts.

type Labels = Readonly<Record<string, string>>;

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}

class Family {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}
  add(labels: Labels, by: number): void {
    const k = key(labels);
    const cur = this.values.get(k);
    if (cur) cur.value += by;
    else this.values.set(k, { labels, value: by });
  }
  set(labels: Labels, value: number): void {
    this.values.set(key(labels), { labels, value });
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class ReferenceMetrics {
  private readonly families = new Map<string, Family>();
  /** Gauges computed when scraped (pool health), registered by the server. */
  private readonly collectors: ((m: ReferenceMetrics) => void)[] = [];

  private family(name: string, help: string, type: 'counter' | 'gauge'): Family {
    let f = this.families.get(name);
    if (!f) {
      f = new Family(name, help, type);
      this.families.set(name, f);
    }
    return f;
  }

  connectionOpened(listener: string): void {
    this.family('lbdoctor_active_connections', 'Client connections open on a listener.', 'gauge').add(
      { listener },
      1,
    );
    this.family('lbdoctor_connections_total', 'Client connections accepted by a listener.', 'counter').add(
      { listener },
      1,
    );
  }

  connectionClosed(listener: string): void {
    this.family('lbdoctor_active_connections', 'Client connections open on a listener.', 'gauge').add(
      { listener },
      -1,
    );
  }

  connectionRefused(listener: string, reason: string): void {
    this.family(
      'lbdoctor_connections_refused_total',
      'Client connections refused (access control).',
      'counter',
    ).add({ listener, reason }, 1);
  }

  /** One answered request: `source` lb when the load balancer produced the status itself (FAQ 7.8). */
  response(listener: string, code: number, source: 'lb' | 'backend', routerCode?: string): void {
    this.family(
      'lbdoctor_http_responses_total',
      'Layer-7 responses by status code and who produced it.',
      'counter',
    ).add({ listener, code: String(code), source, ...(routerCode ? { router_code: routerCode } : {}) }, 1);
  }

  /** An attempt at a backend (several per request when it retried, FAQ 1.9). */
  backendAttempt(pool: string, member: string, outcome: string): void {
    this.family('lbdoctor_backend_attempts_total', 'Attempts at a backend by outcome.', 'counter').add(
      { pool, member, outcome },
      1,
    );
  }

  healthCheck(pool: string, member: string, ok: boolean): void {
    this.family('lbdoctor_health_checks_total', 'Health checks run, by result.', 'counter').add(
      { pool, member, result: ok ? 'success' : 'failure' },
      1,
    );
  }

  setGauge(name: string, help: string, labels: Labels, value: number): void {
    this.family(name, help, 'gauge').set(labels, value);
  }

  addCollector(c: (m: ReferenceMetrics) => void): void {
    this.collectors.push(c);
  }

  /** A value, for tests and the status tree. */
  get(name: string, labels: Labels): number {
    return this.families.get(name)?.values.get(key(labels))?.value ?? 0;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    for (const c of this.collectors) c(this);
    const lines: string[] = [];
    for (const f of [...this.families.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
      for (const { labels, value } of f.values.values()) {
        const l = Object.entries(labels)
          .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
          .join(',');
        lines.push(`${f.name}${l ? `{${l}}` : ''} ${value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
