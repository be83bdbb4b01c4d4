import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A captured host output from test/fixtures/host-outputs. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/host-outputs/${name}`, import.meta.url)), 'utf8');
}
