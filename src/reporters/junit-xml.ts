// What the two JUnit reports (a playbook run, an inventory lint) share: text
// made safe for XML, and the document written by fast-xml-parser's XMLBuilder
// (escaping is the library's job).
import { XMLBuilder } from 'fast-xml-parser';

export type Node = Record<string, unknown>;

// XML 1.0 forbids most C0 control characters even when escaped; raw command
// output can carry them (terminal escapes, NULs).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing exactly these characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function clean(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD');
}

/** The XML document `<testsuites …>` holding `testsuites` (attributes and suites), ending in a newline. */
export function junitDocument(testsuites: Node): string {
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
    processEntities: true,
  });
  const doc = { '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, testsuites };
  return `${builder.build(doc).trimEnd()}\n`;
}
