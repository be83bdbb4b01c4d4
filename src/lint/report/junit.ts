// JUnit XML for CI: one <testsuite> per inventory file, one <testcase> per
// rule. A rule fails when it has a finding at or above --fail-on; findings
// below it are listed in the case's <system-out>. A file that could not be
// linted is one <error> case, so an invalid inventory never shows up green.
import { formatProblem } from '../../errors.js';
import { atOrAbove } from '../lint.js';
import type { LintFileResult, LintFinding, LintRuleMeta, LintRun } from '../types.js';
import { clean, junitDocument, type Node } from '../../reporters/junit-xml.js';
import { renderFinding } from './text.js';

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
  return junitDocument({
    '@_name': 'lbdoctor inventory lint',
    '@_tests': sum('@_tests'),
    '@_failures': sum('@_failures'),
    '@_errors': sum('@_errors'),
    '@_skipped': '0',
    '@_time': '0.000',
    testsuite: suites,
  });
}
