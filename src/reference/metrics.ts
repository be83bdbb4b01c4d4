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

interface Series {
  readonly labels: Labels;
  value: number;
}

class Family {
  readonly values = new Map<string, Series>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
  ) {}
  /** The series for these labels, created at 0; callers on the request path keep it (no key per request). */
  series(labels: Labels): Series {
    const k = key(labels);
    let cur = this.values.get(k);
    if (!cur) {
      cur = { labels, value: 0 };
      this.values.set(k, cur);
    }
    return cur;
  }
  add(labels: Labels, by: number): void {
    this.series(labels).value += by;
  }
  set(labels: Labels, value: number): void {
    // Updated in place, so series kept by callers stay the ones rendered.
    this.series(labels).value = value;
  }
}

/** The inner map for `k`, created empty on first use. */
function nested<K, V extends Map<unknown, unknown>>(outer: Map<K, V>, k: K): V {
  let inner = outer.get(k);
  if (!inner) {
    inner = new Map() as V;
    outer.set(k, inner);
  }
  return inner;
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

  // The per-request and per-connection counters keep their series, found through
  // maps over the label values as they are: building and sorting a label key on
  // every request was a measurable part of the reference LB's CPU per request.
  private readonly connections = new Map<string, { active: Series; total: Series }>();
  private readonly responses = new Map<string, Map<string, Map<number, Series>>>();
  private readonly attempts = new Map<string, Map<string, Map<string, Series>>>();

  private connectionSeries(listener: string): { active: Series; total: Series } {
    let c = this.connections.get(listener);
    if (!c) {
      c = {
        active: this.family(
          'lbdoctor_active_connections',
          'Client connections open on a listener.',
          'gauge',
        ).series({
          listener,
        }),
        total: this.family(
          'lbdoctor_connections_total',
          'Client connections accepted by a listener.',
          'counter',
        ).series({ listener }),
      };
      this.connections.set(listener, c);
    }
    return c;
  }

  connectionOpened(listener: string): void {
    const c = this.connectionSeries(listener);
    c.active.value += 1;
    c.total.value += 1;
  }

  connectionClosed(listener: string): void {
    this.connectionSeries(listener).active.value -= 1;
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
    // Nested maps over the label values as they are: no key string or closure per request.
    const byCode = nested(
      nested(this.responses, listener),
      source === 'lb' ? `lb\u0000${routerCode ?? ''}` : 'backend',
    );
    let s = byCode.get(code);
    if (!s) {
      s = this.family(
        'lbdoctor_http_responses_total',
        'Layer-7 responses by status code and who produced it.',
        'counter',
      ).series({ listener, code: String(code), source, ...(routerCode ? { router_code: routerCode } : {}) });
      byCode.set(code, s);
    }
    s.value += 1;
  }

  /** An attempt at a backend (several per request when it retried, FAQ 1.9). */
  backendAttempt(pool: string, member: string, outcome: string): void {
    const byOutcome = nested(nested(this.attempts, pool), member);
    let s = byOutcome.get(outcome);
    if (!s) {
      s = this.family(
        'lbdoctor_backend_attempts_total',
        'Attempts at a backend by outcome.',
        'counter',
      ).series({
        pool,
        member,
        outcome,
      });
      byOutcome.set(outcome, s);
    }
    s.value += 1;
  }

  /**
   * A response cut off after its status went to the client (a member closing
   * mid-body, a broken chunk, a member or a client that stalled): the access
   * log keeps the status sent, as nginx does, so this is where it shows.
   */
  responseCut(listener: string, pool: string, member: string, cause: string): void {
    this.family(
      'lbdoctor_http_responses_cut_total',
      'Responses cut off after their status line went to the client, by cause.',
      'counter',
    ).add({ listener, pool, member, cause }, 1);
  }

  /** A client that read nothing for client_timeout while a response waited for it (FAQ 5.6). */
  clientSendTimeout(listener: string): void {
    this.family(
      'lbdoctor_client_send_timeouts_total',
      'Client connections closed because the client stopped reading its response.',
      'counter',
    ).add({ listener }, 1);
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
