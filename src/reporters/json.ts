// The RunResult as it is, 2-space JSON. Its shape is a contract for users'
// scripts: docs/json-report.md describes every field, schemas/report.schema.json
// is generated from report-schema.ts, and a test validates this output against it.
import type { Reporter } from './types.js';

export const jsonReporter: Reporter = {
  name: 'json',
  description: 'the full result as versioned JSON',
  extension: 'json',
  render(result) {
    return `${JSON.stringify(result, null, 2)}\n`;
  },
};
