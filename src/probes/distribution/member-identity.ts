// Which member answered? Learnt, not asked: each member is requested directly
// and the answers are searched for what tells the members apart — a header
// whose value stays the same on one member and differs between members
// (X-Backend, X-Served-By, Server…), else the body itself. Answers through
// the listener are then attributed with that mark. Only when the members
// answer identically does a person have to name a header (an input).
import { createHash } from 'node:crypto';

/** One answer: lower-case header names, the body excerpt. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

export type Identity =
  | { by: 'header'; header: string; marks: (string | undefined)[] }
  | { by: 'body'; marks: (string | undefined)[] }
  | { by: 'single' }
  | { by: 'none'; why: string };

/** Headers that change per answer or per connection, or carry secrets: never a member's mark. */
const NOT_A_MARK = new Set([
  'date',
  'content-length',
  'connection',
  'keep-alive',
  'set-cookie',
  'etag',
  'last-modified',
  'expires',
  'age',
  'transfer-encoding',
  'x-request-id',
  'x-router-code',
]);

/** Names checked first: the usual ways a backend signs its answers. */
const PREFERRED = ['x-backend', 'x-served-by', 'x-server', 'x-upstream', 'x-instance', 'x-host'];
/** Checked last: many load balancers put their own Server header on what they forward. */
const LAST = 'server';

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** A short digest: a body is evidence of who answered, not something to print whole. */
export function bodyMark(body: string): string {
  return `body#${createHash('sha256').update(body).digest('hex').slice(0, 10)}`;
}

/** The one value of `read` per member's answers, when it is the same on each of its answers. */
function stableMarks(
  answers: readonly (readonly Answer[])[],
  read: (a: Answer) => string | undefined,
  atLeast = 2,
): (string | undefined)[] | undefined {
  const marks = answers.map((own) => {
    if (own.length === 0) return undefined;
    const values = new Set(own.map(read));
    return values.size === 1 ? [...values][0] : null;
  });
  if (marks.some((m) => m === null)) return undefined;
  const known = marks.filter((m): m is string => m !== undefined);
  // Every answering member must have a mark, and no two the same.
  if (known.length !== marks.filter((m) => m !== undefined).length) return undefined;
  if (known.length < atLeast || new Set(known).size !== known.length) return undefined;
  return marks as (string | undefined)[];
}

/**
 * What tells the members apart, from each member's direct answers
 * (`answers[i]` empty: member i did not answer). `header`: the user's choice.
 */
export function learnIdentity(answers: readonly (readonly Answer[])[], header?: string): Identity {
  const answering = answers.filter((a) => a.length > 0).length;
  if (answers.length === 1)
    return answering ? { by: 'single' } : { by: 'none', why: 'the member did not answer' };
  if (answering === 0) return { by: 'none', why: 'no member answered directly' };
  if (header) {
    const name = header.toLowerCase();
    const marks = stableMarks(answers, (a) => first(a.headers[name]));
    if (marks) return { by: 'header', header: name, marks };
    return {
      by: 'none',
      why: `header ${name} does not tell the members apart (missing, or the same on two members, or changing)`,
    };
  }
  if (answering === 1) {
    // The others are silent: the one that answers is recognised by a usual
    // signature header (or its body); answers without it stay unattributed.
    const own = answers.find((a) => a.length > 0)!;
    for (const name of PREFERRED.filter((n) => own[0]!.headers[n] !== undefined)) {
      const marks = stableMarks(answers, (a) => first(a.headers[name]), 1);
      if (marks) return { by: 'header', header: name, marks };
    }
    const marks = stableMarks(answers, (a) => bodyMark(a.body), 1);
    if (marks) return { by: 'body', marks };
    return { by: 'none', why: 'only one member answered directly, and its answers change' };
  }
  const names = new Set(answers.flat().flatMap((a) => Object.keys(a.headers)));
  const candidates = [
    ...PREFERRED.filter((n) => names.has(n)),
    ...[...names].filter((n) => !PREFERRED.includes(n) && n !== LAST && !NOT_A_MARK.has(n)).sort(),
    ...(names.has(LAST) ? [LAST] : []),
  ];
  for (const name of candidates) {
    const marks = stableMarks(answers, (a) => first(a.headers[name]));
    if (marks) return { by: 'header', header: name, marks };
  }
  const marks = stableMarks(answers, (a) => bodyMark(a.body));
  if (marks) return { by: 'body', marks };
  return {
    by: 'none',
    why: 'the members answer identically (no header or body tells them apart)',
  };
}

/** The member index an answer through the listener came from, or undefined. */
export function attribute(identity: Identity, answer: Answer): number | undefined {
  switch (identity.by) {
    case 'single':
      return 0;
    case 'none':
      return undefined;
    case 'header': {
      const v = first(answer.headers[identity.header]);
      const i = identity.marks.indexOf(v);
      return v === undefined || i < 0 ? undefined : i;
    }
    case 'body': {
      const i = identity.marks.indexOf(bodyMark(answer.body));
      return i < 0 ? undefined : i;
    }
  }
}
