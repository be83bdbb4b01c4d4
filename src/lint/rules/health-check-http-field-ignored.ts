// FAQ 2.1 (Table 2-4) and 2.2 (Table 2-8): the domain name and path are HTTP
// health check settings, and 2.8's status codes are what HTTP and HTTPS checks
// compare against. On a TCP or UDP check they are never used, which usually
// means the check type is not the one that was meant.
import { article, poolsOf, quoted } from '../inventory-walk.js';
import { type FindingDraft, defineRule } from '../types.js';

export const healthCheckHttpFieldIgnored = defineRule(
  {
    id: 'health-check-http-field-ignored',
    severity: 'info',
    summary: 'url_path, domain_name or expected_codes set on a TCP or UDP_CONNECT health check (unused)',
    faq: ['2.1', '2.2', '2.8'],
  },
  (inv) => {
    const out: FindingDraft[] = [];
    for (const at of poolsOf(inv)) {
      const hm = at.pool.healthmonitor;
      if (!hm || hm.type === 'HTTP' || hm.type === 'HTTPS') continue;
      // url_path defaults to "/", so only another path shows it was set on purpose.
      const set = (
        [
          ['url_path', hm.url_path !== '/' ? hm.url_path : null],
          ['domain_name', hm.domain_name],
          ['expected_codes', hm.expected_codes],
        ] as const
      ).filter(([, v]) => v != null);
      if (set.length === 0) continue;
      const [field] = set[0]!;
      const names = set.map(([f]) => f).join(', ');
      out.push({
        path: [...at.path, 'healthmonitor', field],
        title: `${hm.type} health check of pool ${quoted(at.pool.id)} sets ${names}, which only HTTP/HTTPS checks use`,
        cause: `${article(hm.type, true)} ${hm.type} check sends no HTTP request, so ${names} ${set.length > 1 ? 'are' : 'is'} never used. If the backend should be checked over HTTP, the type is wrong.`,
        fix: [
          `inventory: set healthmonitor.type of pool ${quoted(at.pool.id)} to HTTP, or remove ${names}`,
          `console: Backend Server Groups > ${at.pool.name ?? at.pool.id} > Health Check > Protocol`,
        ],
        subject: { kind: 'pool', name: at.pool.id },
      });
    }
    return out;
  },
);
