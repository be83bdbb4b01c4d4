// What an import could not carry into the inventory, said out loud (issue 14):
// unknown resource types, fields with no inventory equivalent, resources left
// out, secrets not copied. Notes about the same thing are counted once, so a
// pool of 500 members says "member.status (500×)", not 500 lines.

import { visible } from '../reporters/visible.js';

/**
 * Names in notes come from the source (a listener's name, a file name): shown
 * on one line with control characters escaped, so one cannot break out of the
 * YAML header's comment into the inventory, or rewrite the terminal.
 */
function oneLine(text: string): string {
  return visible(text).replaceAll('\n', '\\n').replaceAll('\t', ' ');
}

export type NoteKind = 'unknown-type' | 'not-carried' | 'left-out' | 'secret' | 'assumed';

export interface ImportNote {
  kind: NoteKind;
  /** What the note is about, e.g. `listener field connection_limit`. */
  subject: string;
  /** Why, or what was done instead. */
  detail: string;
  /** Files (or labels) it was seen in. */
  where: string[];
  count: number;
}

const HEADINGS: Record<NoteKind, string> = {
  'unknown-type': 'unknown resource types (not read)',
  'not-carried': 'fields with no inventory equivalent (not carried over)',
  'left-out': 'resources left out',
  secret: 'secrets not copied',
  assumed: 'values the source does not say (assumed)',
};

export class ImportNotes {
  readonly #byKey = new Map<string, ImportNote>();

  add(kind: NoteKind, rawSubject: string, rawDetail: string, rawWhere: string): void {
    const [subject, detail, where] = [oneLine(rawSubject), oneLine(rawDetail), oneLine(rawWhere)];
    const key = `${kind}\u0000${subject}\u0000${detail}`;
    const note = this.#byKey.get(key);
    if (!note) {
      this.#byKey.set(key, { kind, subject, detail, where: [where], count: 1 });
      return;
    }
    note.count++;
    if (!note.where.includes(where)) note.where.push(where);
  }

  get all(): ImportNote[] {
    return [...this.#byKey.values()];
  }

  /** One section per kind, one line per note: for stderr and the YAML header. */
  lines(): string[] {
    const out: string[] = [];
    for (const kind of Object.keys(HEADINGS) as NoteKind[]) {
      const notes = this.all.filter((n) => n.kind === kind);
      if (notes.length === 0) continue;
      out.push(`${HEADINGS[kind]}:`);
      for (const n of notes) {
        const times = n.count > 1 ? ` (${n.count}×)` : '';
        const head = `  - ${n.subject}${times}: ${n.detail}`;
        // 80 columns once indented on stderr or in the YAML header: the detail goes under the subject when both do not fit.
        if (head.length <= 76) out.push(head);
        else out.push(`  - ${n.subject}${times}:`, `      ${n.detail}`);
        const more = n.where.length > 2 ? ` and ${n.where.length - 2} more` : '';
        out.push(`      in ${n.where.slice(0, 2).join(', ')}${more}`);
      }
    }
    return out;
  }
}
