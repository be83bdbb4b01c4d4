// JUnit XML for CI: one <testsuite> per inventory file, one <testcase> per
// rule. A rule fails when it has a finding at or above --fail-on; findings
// below it are listed in the case's <system-out>. A file that could not be
// linted is one <error> case, so an invalid inventory never shows up green.
import { XMLBuilder } from 'fast-xml-parser';
import { formatProblem } from '../../errors.js';
import { atOrAbove } from '../lint.js';
import type { LintFileResult, LintFinding, LintRuleMeta, LintRun } from '../types.js';
import { renderFinding } from './text.js';

type Node = Record<string, unknown>;

// XML 1.0 forbids most C0 control characters even when escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing exactly these characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const clean = (text: string) => text.replace(XML_INVALID, '\uFFFD');

const block = (findings: LintFinding[]) => findings.map((f) => renderFinding(f).join('\n')).join('\n\n');

function ruleCase(file: LintFileResult, rule: LintRuleMeta, failOn: LintRun['failOn']): Node {
  const code = `lint/${rule.id}`;
  const mine = file.findings.filter((f) => f.code === code);
  const failing = mine.filter((f) => atOrAbove(f.severity, failOn));
  const rest = mine.filter((f) => !atOrAbove(f.severity, failOn));
  const node: Node = {
    '@_classname': clean(`lint.${file.file}`),
    '@_name': clean(`${code}: ${rule.summary}`),
    '@_time': '0.000',
  };
  if (failing.length) {
    node.failure = {
      '@_message': clean(
        failing.length === 1 ? failing[0]!.title : `${failing.length} findings: ${failing[0]!.title}, …`,
      ),
      '@_type': failing[0]!.severity,
      '#text': clean(block(failing)),
    };
  }
  if (rest.length) node['system-out'] = clean(block(rest));
  return node;
}

function invalidCase(file: LintFileResult): Node {
  const e = file.error!;
  return {
    '@_classname': clean(`lint.${file.file}`),
    '@_name': 'inventory is valid',
    '@_time': '0.000',
    error: {
      '@_message': clean(e.message),
      '@_type': e.code,
      '#text': clean(
        [...e.problems.map(formatProblem), e.hint ? `hint: ${e.hint}` : ''].filter(Boolean).join('\n'),
      ),
    },
  };
}

export function renderJunit(run: LintRun): string {
  const suites = run.files.map((file) => {
    const cases = file.error ? [invalidCase(file)] : run.rules.map((r) => ruleCase(file, r, run.failOn));
    return {
      '@_name': clean(file.file),
      '@_tests': String(cases.length),
      '@_failures': String(cases.filter((c) => 'failure' in c).length),
      '@_errors': String(cases.filter((c) => 'error' in c).length),
      '@_skipped': '0',
      '@_time': '0.000',
      testcase: cases,
    };
  });
  const sum = (key: string) => String(suites.reduce((n, s) => n + Number(s[key as keyof typeof s]), 0));
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    processEntities: true,
  });
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'lbdoctor inventory lint',
      '@_tests': sum('@_tests'),
      '@_failures': sum('@_failures'),
      '@_errors': sum('@_errors'),
      '@_skipped': '0',
      '@_time': '0.000',
      testsuite: suites,
    },
  };
  return `${builder.build(doc).trimEnd()}\n`;
}
