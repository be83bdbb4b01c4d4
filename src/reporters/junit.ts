// JUnit XML for CI dashboards: one <testcase> per check as executed, one per
// finding at or above warn (the diagnosis itself), and one <error> per walk
// that could not conclude, so an unchecked run never shows up green.
import type { CheckRecord, Finding, Inconclusive, RunResult, Subject } from '../engine/result.js';
import { renderChartText } from './chart-text.js';
import { faqLabel, isCommand } from './format.js';
import { clean, junitDocument, type Node } from './junit-xml.js';
import type { Reporter } from './types.js';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function classname(result: RunResult, subject: Subject | undefined): string {
  return clean(subject ? `${result.playbook.id}.${subject.kind}.${subject.name}` : result.playbook.id);
}

function checkCase(result: RunResult, c: CheckRecord): Node {
  const o = c.observation;
  const node: Node = {
    '@_classname': classname(result, c.subject),
    '@_name': clean(c.item ? `${c.step}/${c.item}: ${c.title}` : `${c.step}: ${c.title}`),
    '@_time': seconds(c.durationMs),
  };
  const details = [
    o.summary,
    o.expected !== undefined ? `expected: ${o.expected}` : '',
    o.actual !== undefined ? `actual: ${o.actual}` : '',
    o.reason ? `reason: ${o.reason}` : '',
    `probe ${c.probe} from ${c.vantage}`,
    o.raw ? `\n${o.raw}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  if (c.outcome === 'fail')
    node.failure = { '@_message': clean(o.summary), '@_type': 'fail', '#text': clean(details) };
  else if (c.outcome === 'error')
    node.error = {
      '@_message': clean(o.reason ?? o.summary),
      '@_type': 'could-not-check',
      '#text': clean(details),
    };
  else if (c.outcome === 'skip') node.skipped = { '@_message': clean(o.reason ?? o.summary) };
  return node;
}

function findingCase(result: RunResult, f: Finding): Node {
  const body = [
    f.cause,
    f.evidence.length > 0 ? `\nEvidence:\n${f.evidence.map((e) => `- ${e}`).join('\n')}` : '',
    // CI logs are plain text: the ASCII drawing, at 80 columns.
    f.chart ? `\n${renderChartText(f.chart, { width: 80, color: false, indent: 0 }).join('\n')}` : '',
    f.fix.length > 0 ? `\nFix:\n${f.fix.map((x) => (isCommand(x) ? `$ ${x}` : `- ${x}`)).join('\n')}` : '',
    f.faq.length > 0 ? `\n${faqLabel(f.faq)}` : '',
    f.path.length > 0 ? `path: ${f.path.join(' -> ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return {
    '@_classname': classname(result, f.subject),
    '@_name': clean(`finding ${f.code}: ${f.title}`),
    '@_time': '0.000',
    failure: { '@_message': clean(f.title), '@_type': f.severity, '#text': clean(body) },
  };
}

function inconclusiveCase(result: RunResult, i: Inconclusive): Node {
  return {
    '@_classname': classname(result, i.subject),
    '@_name': clean(`inconclusive at ${i.step}`),
    '@_time': '0.000',
    error: {
      '@_message': clean(i.reason),
      '@_type': 'inconclusive',
      '#text': clean(`${i.reason}\npath: ${i.path.join(' -> ')}`),
    },
  };
}

function render(result: RunResult): string {
  const cases = [
    ...result.checks.map((c) => checkCase(result, c)),
    ...result.findings.filter((f) => f.severity !== 'info').map((f) => findingCase(result, f)),
    ...result.inconclusive.map((i) => inconclusiveCase(result, i)),
  ];
  const count = (key: string) => cases.filter((c) => key in c).length;
  const totals = {
    '@_tests': String(cases.length),
    '@_failures': String(count('failure')),
    '@_errors': String(count('error')),
    '@_skipped': String(count('skipped')),
    '@_time': seconds(result.durationMs),
  };
  const suite = {
    '@_name': clean(result.playbook.id),
    ...totals,
    '@_timestamp': result.startedAt,
    properties: {
      property: [
        { '@_name': 'title', '@_value': clean(result.playbook.title) },
        { '@_name': 'verdict', '@_value': result.verdict },
        { '@_name': 'faq', '@_value': result.playbook.faq.join(',') },
        { '@_name': 'interrupted', '@_value': String(result.interrupted) },
        ...(result.target ? [{ '@_name': 'target', '@_value': clean(result.target) }] : []),
        { '@_name': 'lbdoctor.version', '@_value': clean(result.tool.version) },
      ],
    },
    testcase: cases,
  };
  return junitDocument({ '@_name': clean(`lbdoctor ${result.playbook.id}`), ...totals, testsuite: suite });
}

export const junitReporter: Reporter = {
  name: 'junit',
  description: 'JUnit XML for CI',
  extension: 'xml',
  render,
};
