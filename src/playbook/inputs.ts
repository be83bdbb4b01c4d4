// `--input id=VALUE`: the one route by which files and text the user names
// (an access log, a PEM, a pasted client error, the path to request) reach a
// playbook. Only declared inputs are accepted; a file input must exist.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import type { Playbook } from './schema.js';

export function parseInputFlags(flags: readonly string[], playbook: Playbook): Record<string, string> {
  const declared = Object.keys(playbook.inputs);
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const id = eq > 0 ? flag.slice(0, eq).trim() : '';
    if (!id)
      throw new UsageError(
        `--input "${flag}" has no "="`,
        'write --input name=value, e.g. --input path=/health',
      );
    const spec = playbook.inputs[id];
    if (!spec) {
      throw new UsageError(
        `playbook ${playbook.id} takes no input "${id}"`,
        declared.length
          ? `its inputs: ${declared.map((d) => `${d} (${playbook.inputs[d]!.about})`).join('; ')}`
          : `playbook ${playbook.id} takes no inputs`,
      );
    }
    let value = flag.slice(eq + 1);
    if (spec.type === 'file') {
      value = resolve(value);
      let isFile = false;
      try {
        isFile = statSync(value).isFile();
      } catch {}
      if (!isFile)
        throw new InputError(
          `--input ${id}: no such file ${value}`,
          [],
          `give the path of ${spec.about}`,
          'LBD_ERR_FILE',
        );
    }
    if (spec.type === 'number') {
      const n = Number(value.trim());
      const range = `${spec.min ?? '-∞'} to ${spec.max ?? '∞'}`;
      if (
        value.trim() === '' ||
        !Number.isFinite(n) ||
        (spec.min !== undefined && n < spec.min) ||
        (spec.max !== undefined && n > spec.max)
      )
        throw new UsageError(
          `--input ${id}=${value}: expected a number from ${range}`,
          `${id}: ${spec.about}`,
        );
    }
    out[id] = value;
  }
  return out;
}
