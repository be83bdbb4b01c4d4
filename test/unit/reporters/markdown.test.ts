import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/engine/result.js';
import { parseInventory } from '../../../src/model/load-inventory.js';
import { mdCell, mdCode, markdownReporter } from '../../../src/reporters/markdown.js';
import { supportTicketRows, UNKNOWN } from '../../../src/reporters/support-ticket.js';
import {
  failTwoMembers,
  inconclusiveUnknownFact,
  passRun,
  routerCodeGraph,
  sharesChartRun,
  unhealthyGraph,
} from '../../fixtures/results.js';

const inventory = parseInventory(`
loadbalancer: {id: lb-0123, name: shop-lb, type: dedicated, vip_address: 192.0.2.10, eip: 203.0.113.7}
listeners:
  - {id: lsn-1, name: web, protocol: HTTP, protocol_port: 80, default_pool_id: web-pool}
  - {name: admin, protocol: TCP, protocol_port: 443, default_pool_id: admin-pool}
pools:
  - id: web-pool
    protocol: HTTP
    healthmonitor: {type: HTTP, monitor_port: 8081, url_path: /health}
    members:
      - {id: ecs-aaa, name: be1, address: 10.0.1.11, protocol_port: 8080, operating_status: OFFLINE}
      - {name: be2, address: 10.0.1.12, protocol_port: 8080}
  - {id: admin-pool, protocol: TCP, members: []}
`);

function row(rows: { item: string; value: string }[], item: string): string | undefined {
  return rows.find((r) => r.item === item)?.value;
}

describe('FAQ 7.5 support-ticket table', () => {
  it('fills every field the inventory and result know, and says what is missing', () => {
    const rows = supportTicketRows(failTwoMembers, inventory);
    expect(rows.map((r) => r.item)).toEqual([
      'Load balancer ID',
      'VPC ID',
      'Load balancer IP address',
      'Listener ID',
      'Frontend protocol and port',
      'Health check protocol and port',
      'Health check result',
      'ID of ECS 1',
      'ID of ECS 2',
    ]);
    expect(row(rows, 'Load balancer ID')).toBe('lb-0123');
    expect(row(rows, 'VPC ID')).toBe(UNKNOWN);
    expect(row(rows, 'Load balancer IP address')).toBe('192.0.2.10 (private), 203.0.113.7 (EIP)');
    // The target's port picks the listener the run was about.
    expect(row(rows, 'Listener ID')).toBe('lsn-1');
    expect(row(rows, 'Frontend protocol and port')).toBe('HTTP/80');
    expect(row(rows, 'Health check protocol and port')).toBe('web-pool: HTTP port 8081');
    expect(row(rows, 'Health check result')).toContain('be1 OFFLINE');
    expect(row(rows, 'ID of ECS 1')).toBe('ecs-aaa: be1 (10.0.1.11:8080)');
    expect(row(rows, 'ID of ECS 2')).toBe(`be2 (10.0.1.12:8080): ECS ID ${UNKNOWN}`);
  });

  it('uses facts when there is no inventory, and unknown otherwise', () => {
    const r: RunResult = structuredClone(inconclusiveUnknownFact);
    r.facts.push({ key: 'vpc_id', question: 'VPC?', value: 'vpc-42', source: 'answers' });
    const rows = supportTicketRows(r);
    expect(row(rows, 'VPC ID')).toBe('vpc-42');
    expect(row(rows, 'Load balancer ID')).toBe(UNKNOWN);
    expect(row(rows, 'ID of ECS 1')).toBe(UNKNOWN);
  });
});

describe('markdown reporter', () => {
  it('has a summary, a findings table, details, the ticket table and a mermaid block', () => {
    const out = markdownReporter.render(failTwoMembers, { color: false, graph: unhealthyGraph, inventory });
    expect(out).toMatch(/^# lbdoctor: Unhealthy backend server \(dedicated load balancer\) — FAIL\n/);
    expect(out).toContain(
      '| 2 | 🔴 error | member be2 (10.0.1.12:8080) | The firewall drops the health checkers (100.125.0.0/16) |',
    );
    expect(out).toContain('## Support ticket (FAQ 7.5)');
    expect(out).toContain('| Load balancer ID | lb-0123 |');
    expect(out).toContain('```mermaid\nflowchart TD\n');
    expect(out).toContain(
      'class s_hc_enabled,s_port_open,s_host_checks,s_port_closed,s_firewall_drops visited',
    );
    // Evidence with markup is in code spans, fixes in a fenced sh block.
    expect(out).toContain('- `rule matched 42 packets | "quoted" & <tagged>`');
    expect(out).toContain('```sh\niptables -I INPUT');
    // Every table row has as many cells as its header.
    const tables = out.split('\n\n').filter((b) => b.startsWith('|'));
    for (const t of tables) {
      const lines = t.split('\n');
      const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
      for (const l of lines) expect(cells(l), l).toBe(cells(lines[0]!));
    }
  });

  it('an inconclusive run lists what was not checked, and the finding path reaches the conclusion node', () => {
    const out = markdownReporter.render(inconclusiveUnknownFact, { color: false });
    expect(out).toContain('## Not checked');
    expect(out).toContain('stopped at `host-checks`: ssh://root@10.0.1.12:22: connect timed out');
    expect(out).toContain('Fact `hc_enabled@pool:web-pool` unknown');
    expect(out).not.toContain('```mermaid');
    const pass = markdownReporter.render(passRun, { color: false, graph: routerCodeGraph });
    expect(pass).toContain('linkStyle 0 ');
  });

  it('escapes cells and code spans', () => {
    expect(mdCell('a | b\n<c>')).toBe('a \\| b<br>&lt;c&gt;');
    expect(mdCode('x `y` z')).toBe('``x `y` z``');
    expect(mdCode('`')).toBe('`` ` ``');
  });
});

describe('finding charts', () => {
  it('a Mermaid xychart, bars for the values and a line for the reference; a backtick cannot close the fence', () => {
    const result = structuredClone(sharesChartRun);
    result.findings[0]!.chart!.bars[0]!.label = 'be```1';
    const md = markdownReporter.render(result, { color: false });
    const block = /```mermaid\n(xychart-beta\n[^`]*)```/.exec(md)?.[1];
    expect(block).toBeDefined();
    expect(block).toContain(`x-axis ["be'''1", "be2", "be3-with-a-long-name"]`);
    expect(block).toContain('  bar [62, 30, 8]\n  line [50, 25, 25]\n');
  });

  it('without a reference, bars only, on the count axis', () => {
    const result = structuredClone(sharesChartRun);
    result.findings[0]!.chart = {
      kind: 'bars',
      title: 'Requests per member',
      unit: 'count',
      valueLabel: 'requests',
      bars: [
        { label: 'be1', value: 40 },
        { label: 'be2', value: 0 },
      ],
    };
    const md = markdownReporter.render(result, { color: false });
    expect(md).toContain(
      '  title "Requests per member"\n  x-axis ["be1", "be2"]\n  y-axis "requests" 0 --> 44\n  bar [40, 0]\n```',
    );
  });
});
