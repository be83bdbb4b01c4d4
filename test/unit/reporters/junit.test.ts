import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../src/reporters/registry.js';
import { failTwoMembers, inconclusiveUnknownFact } from '../../fixtures/results.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['testcase', 'property'].includes(name),
});

async function parse(result: Parameters<typeof renderReport>[1]) {
  const xml = await renderReport('junit', result, { color: false });
  expect(XMLValidator.validate(xml)).toBe(true);
  return { xml, doc: parser.parse(xml) };
}

describe('junit reporter', () => {
  it('one testcase per check plus one per finding at or above warn, with matching counts', async () => {
    const { doc } = await parse(failTwoMembers);
    const suites = doc.testsuites;
    const cases = suites.testsuite.testcase as Record<string, unknown>[];
    // 5 checks + 3 findings (2 error + 1 warn).
    expect(cases).toHaveLength(8);
    expect(suites['@_tests']).toBe('8');
    expect(suites['@_failures']).toBe('5'); // 2 failed checks + 3 findings
    expect(suites['@_errors']).toBe('0');
    expect(suites['@_skipped']).toBe('1');
    expect(suites['@_time']).toBe('2.413');
    const firewall = cases.find(
      (c) => c['@_name'] === 'host-checks/firewall: Firewall allows 100.125.0.0/16',
    );
    expect(firewall?.['@_classname']).toBe('unhealthy-backend.member.be2');
    expect((firewall!.failure as Record<string, string>)['#text']).toContain('expected: ACCEPT');
    const props = suites.testsuite.properties.property as Record<string, string>[];
    expect(props.find((p) => p['@_name'] === 'verdict')?.['@_value']).toBe('fail');
  });

  it('escapes <&"\' and control characters and reads them back intact', async () => {
    const r = structuredClone(failTwoMembers);
    r.playbook.id = `pb<&"'>`;
    r.findings[1]!.title = `drops <"all"> & 'more'`;
    r.checks[0]!.observation.raw = 'bell\u0007 here';
    const { xml, doc } = await parse(r);
    expect(xml).not.toContain('\u0007');
    const cases = doc.testsuites.testsuite.testcase as Record<string, unknown>[];
    const f = cases.find((c) => String(c['@_name']).startsWith('finding unhealthy-backend/firewall-drops'));
    expect((f!.failure as Record<string, string>)['@_message']).toBe(`drops <"all"> & 'more'`);
    expect((f!.failure as Record<string, string>)['#text']).toContain(
      'rule matched 42 packets | "quoted" & <tagged>',
    );
    expect(doc.testsuites.testsuite['@_name']).toBe(`pb<&"'>`);
  });

  it('inconclusive walks and error checks are <error>, never green', async () => {
    const { doc } = await parse(inconclusiveUnknownFact);
    const suites = doc.testsuites;
    expect(suites['@_tests']).toBe('3');
    expect(suites['@_errors']).toBe('2');
    const cases = suites.testsuite.testcase as Record<string, Record<string, string>>[];
    const inc = cases.find((c) => String(c['@_name']).startsWith('inconclusive'));
    expect(inc?.error?.['@_type']).toBe('inconclusive');
    expect(inc?.error?.['@_message']).toContain('connect timed out');
  });
});
