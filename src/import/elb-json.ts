// Saved ELB v3 API responses (as the API, API Explorer or the hcloud CLI print
// them): `{"loadbalancer": {…}}`, `{"listeners": […], "page_info": …}` and so
// on, one per file or several in a JSON list, for one load balancer or many.
// Resources are joined by the ids they carry, whatever the file names.
import { InputError } from '../errors.js';
import type { ImportNotes } from './notes.js';
import type { SourceDocument } from './read-sources.js';
import { emptySet, RESPONSE_BOOKKEEPING, RESPONSE_KEYS, type V3Set } from './v3-set.js';
import { isObject } from './values.js';

const EXPECTED =
  'an ELB v3 API response: an object with loadbalancer(s), listener(s), pool(s), member(s), healthmonitor(s), l7policy/l7policies, rules, certificate(s) or ipgroup(s)';

function wrongShape(file: string, message: string): InputError {
  return new InputError(
    `${file} is not a saved ELB v3 API response`,
    [{ file, message, expected: EXPECTED }],
    'save the response body of the ELB v3 query (e.g. `hcloud ELB ShowLoadBalancer …`) as it is printed',
  );
}

export function collectElbJson(docs: readonly SourceDocument[], notes: ImportNotes): V3Set {
  const set = emptySet();
  for (const { file, value } of docs) {
    const responses = Array.isArray(value) ? value : [value];
    // An empty list is a real answer (a pool without members); a file with no resource key is not one.
    let recognised = 0;
    responses.forEach((response, i) => {
      const where = Array.isArray(value) ? `${file}[${i}]` : file;
      if (!isObject(response))
        throw wrongShape(
          file,
          `${where} is ${response === null ? 'null' : Array.isArray(response) ? 'a list' : typeof response}`,
        );
      for (const [key, v] of Object.entries(response)) {
        if (RESPONSE_BOOKKEEPING.has(key)) continue;
        const kind = RESPONSE_KEYS[key];
        if (!kind) {
          notes.add('unknown-type', `"${key}"`, 'not an ELB resource lbdoctor reads', where);
          continue;
        }
        recognised++;
        const list = Array.isArray(v) ? v : [v];
        for (const obj of list) {
          if (!isObject(obj))
            throw wrongShape(file, `"${key}" holds ${obj === null ? 'null' : typeof obj}, not objects`);
          set[kind].push({ obj, where });
        }
      }
    });
    if (recognised === 0) throw wrongShape(file, 'it holds no ELB resource');
  }
  return set;
}
