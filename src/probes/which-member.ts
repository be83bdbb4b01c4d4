// which-member: who answered each request through a listener. The members are
// asked directly first (twice each, so a value that changes per answer is not
// taken for a member's mark), which teaches what tells their answers apart;
// then the asked series go through the listener and every answer is put down
// to a member. The shares of the fresh series are tested against the
// weights with Pearson's chi-square (FAQ 1.8); the other series show what
// keeps a client on one member: one kept-alive connection (FAQ 1.8 step 4,
// 3.10), its source address (source-IP hash, FAQ 1.8 step 3, 1.11 step 3), a
// cookie (FAQ 1.11 step 4, 3.11).
import {
  type WhichMemberParams,
  whichMemberContract,
  type whichMemberData,
} from './contracts/which-member.js';
import { type Answer, attribute, type Identity, learnIdentity } from './distribution/member-identity.js';
import { Session, type SessionOptions } from './distribution/listener-client.js';
import { testShares } from './distribution/share-test.js';
import type { NetworkProbe, Observation } from './types.js';
import type { z } from 'zod';

type Data = z.infer<typeof whichMemberData>;

/** Direct answers asked of each member. */
const DIRECT_ASKS = 2;
/** Requests from each source address of the sources series. */
const PER_SOURCE = 4;
/** A series stops after this many requests in a row without an answer. */
const MAX_FAILURES = 3;
/** Fewer attributed answers than this tell nothing about shares. */
const MIN_ANSWERS = 10;
/** On loopback every 127.0.0.0/8 address is this machine's: eight clients for free. */
const LOOPBACK_SOURCES = [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `127.0.0.${n}`);

const hostport = (t: { address: string; protocol_port: number }) =>
  t.address.includes(':') ? `[${t.address}]:${t.protocol_port}` : `${t.address}:${t.protocol_port}`;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Tally {
  requests: number;
  answered: number;
  unattributed: number;
  /** Unattributed answers with a 2xx status: a member, but none the targets list. */
  unattributed2xx: number;
  byMember: number[];
}

function tallyOf(n: number): Tally {
  return {
    requests: 0,
    answered: 0,
    unattributed: 0,
    unattributed2xx: 0,
    byMember: new Array<number>(n).fill(0),
  };
}

function record(t: Tally, identity: Identity, answer: Answer): void {
  t.answered++;
  const i = attribute(identity, answer);
  if (i !== undefined) t.byMember[i] = (t.byMember[i] ?? 0) + 1;
  else {
    t.unattributed++;
    if (answer.status >= 200 && answer.status < 300) t.unattributed2xx++;
  }
}

function membersLine(t: Tally, names: readonly string[]): string {
  const parts = t.byMember.flatMap((c, i) => (c > 0 ? [`${names[i]} ${c}`] : []));
  if (t.unattributed) parts.push(`unattributed ${t.unattributed}`);
  return parts.join(', ') || 'none';
}

/** Sends `n` requests, one `Session` for all (keep-alive) or a new one per request. */
async function runSeries(
  n: number,
  session: () => Session,
  shared: boolean,
  onAnswer: (r: Awaited<ReturnType<Session['get']>>) => void,
  signal: AbortSignal,
): Promise<{ requests: number; connections: number }> {
  let failures = 0;
  let requests = 0;
  let connections = 0;
  const one = shared ? session() : undefined;
  try {
    for (let i = 0; i < n && !signal.aborted && failures < MAX_FAILURES; i++) {
      requests++;
      const s = one ?? session();
      const r = await s.get(false);
      if (!one) {
        connections += s.connections;
        await s.close();
      }
      failures = r.ok ? 0 : failures + 1;
      onAnswer(r);
    }
  } finally {
    if (one) {
      connections = one.connections;
      await one.close();
    }
  }
  return { requests, connections };
}

export const whichMemberProbe: NetworkProbe<WhichMemberParams> = {
  ...whichMemberContract,
  extraTimeMs: (p) =>
    // Every request could take its whole timeout; series run one after another.
    (DIRECT_ASKS +
      p.requests * p.series.length +
      Math.max(p.sources.length, LOOPBACK_SOURCES.length) * PER_SOURCE) *
    p.requestTimeoutMs,
  async run(p, ctx): Promise<Observation> {
    const started = Date.now();
    const url = new URL(p.url);
    const listenerScheme = url.protocol === 'https:' ? 'https' : 'http';
    // tcp: plain HTTP carried by a TCP listener, or spoken by the members of a TCP pool.
    const memberScheme =
      p.memberScheme?.toLowerCase() === 'https' ? 'https' : p.memberScheme ? 'http' : listenerScheme;
    const names = p.targets.map((t) => t.name ?? hostport(t));
    const base: Omit<SessionOptions, 'scheme'> = {
      dialer: ctx.dialer,
      signal: ctx.signal,
      url,
      insecure: p.insecure,
      timeoutMs: p.requestTimeoutMs,
    };

    // 1. Each member directly, with the listener's Host.
    const direct = await Promise.all(
      p.targets.map(async (t) => {
        const answers: Answer[] = [];
        let reason: string | undefined;
        for (let i = 0; i < DIRECT_ASKS; i++) {
          const s = new Session({
            ...base,
            scheme: memberScheme,
            dial: { host: t.address, port: t.protocol_port },
          });
          const r = await s.get(false);
          await s.close();
          if (r.ok) answers.push(r.answer);
          else reason ??= r.reason;
        }
        return { answers, reason: answers.length ? undefined : reason };
      }),
    );
    const identity = learnIdentity(
      direct.map((d) => d.answers),
      p.header || undefined,
    );
    const weights = p.targets.map((t) => t.weight);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const weighted = weights.filter((w) => w > 0);
    const noDirect = direct.flatMap((d, i) =>
      d.answers.length ? [] : [`${names[i]} (${d.reason ?? 'no answer'})`],
    );
    const identityDetail =
      identity.by === 'header'
        ? `members told apart by their ${identity.header} header`
        : identity.by === 'body'
          ? 'members told apart by their body (no header differs)'
          : identity.by === 'single'
            ? 'one member: every answer is its'
            : `members cannot be told apart: ${identity.why}`;

    const data: Data = {
      url: url.href,
      vantage: ctx.dialer.vantage,
      identity: {
        by: identity.by,
        ...(identity.by === 'header' ? { header: identity.header } : {}),
        detail: identityDetail,
      },
      members: [],
      noDirect: noDirect.length,
      noDirectNames: noDirect.join(', '),
      weightsEqual: new Set(weighted).size <= 1,
      weightedMembers: weighted.length,
    };
    const fresh = tallyOf(p.targets.length);
    const keep = tallyOf(p.targets.length);
    const jar = tallyOf(p.targets.length);
    const memberRows = () =>
      p.targets.map((t, i) => {
        const mark = identity.by === 'header' || identity.by === 'body' ? identity.marks[i] : undefined;
        return {
          name: names[i]!,
          weight: t.weight,
          direct: direct[i]!.answers.length ? ('answered' as const) : ('no-answer' as const),
          ...(direct[i]!.reason ? { reason: direct[i]!.reason } : {}),
          ...(mark ? { mark } : {}),
          fresh: fresh.byMember[i] ?? 0,
          keepalive: keep.byMember[i] ?? 0,
          cookie: jar.byMember[i] ?? 0,
          expectedShare: weightSum > 0 ? round(t.weight / weightSum) : 0,
          share:
            fresh.answered - fresh.unattributed > 0
              ? round((fresh.byMember[i] ?? 0) / (fresh.answered - fresh.unattributed))
              : 0,
        };
      });
    if (identity.by === 'none') {
      data.members = memberRows();
      const reason =
        noDirect.length === p.targets.length
          ? `no member answered directly: ${data.noDirectNames}`
          : `${identity.why}; give the response header that names the member (--input member_header=NAME)`;
      return {
        outcome: 'error',
        summary: `${url.href}: cannot tell which member answers: ${reason}`,
        reason,
        data,
        durationMs: Date.now() - started,
      };
    }

    const listenerSession = (localAddress?: string) => () =>
      new Session({ ...base, scheme: listenerScheme, ...(localAddress ? { localAddress } : {}) });
    const failures: string[] = [];
    const note = (r: Awaited<ReturnType<Session['get']>>, t: Tally) => {
      if (r.ok) record(t, identity, r.answer);
      else if (failures.length < 3) failures.push(r.reason);
    };
    const summaryParts: string[] = [`${identityDetail}`];

    if (p.series.includes('fresh')) {
      fresh.requests = (
        await runSeries(p.requests, listenerSession(), false, (r) => note(r, fresh), ctx.signal)
      ).requests;
      const attributed = fresh.answered - fresh.unattributed;
      const test = testShares(fresh.byMember, weights);
      const distinct = fresh.byMember.filter((c) => c > 0).length;
      const verdict =
        attributed < MIN_ANSWERS
          ? 'too-few'
          : distinct === 1 && weighted.length > 1
            ? 'one-member'
            : test.pValue < p.alpha
              ? 'uneven'
              : 'as-weighted';
      const rows = memberRows();
      data.fresh = {
        requests: fresh.requests,
        answered: fresh.answered,
        unattributed: fresh.unattributed,
        unattributed2xx: fresh.unattributed2xx,
        distinct,
        statistic: round(test.statistic, 2),
        df: test.df,
        pValue: Number(test.pValue.toPrecision(3)),
        alpha: p.alpha,
        verdict,
        shares: rows
          .map(
            (r) =>
              `${r.name} ${r.fresh} (${Math.round(r.share * 100)}%, weight ${Math.round(r.expectedShare * 100)}%)`,
          )
          .join(', '),
      };
      summaryParts.push(
        `${fresh.requests} new connections: ${data.fresh.shares}; chi-square ${data.fresh.statistic} (df ${test.df}), p = ${data.fresh.pValue} at alpha ${p.alpha}: ${verdict}`,
      );
    }
    if (p.series.includes('keepalive')) {
      const run = await runSeries(p.requests, listenerSession(), true, (r) => note(r, keep), ctx.signal);
      keep.requests = run.requests;
      data.keepalive = {
        requests: keep.requests,
        answered: keep.answered,
        connections: run.connections,
        distinct: keep.byMember.filter((c) => c > 0).length,
        members: membersLine(keep, names),
      };
      summaryParts.push(
        `${keep.requests} on one kept-alive connection (${run.connections} dialled): ${data.keepalive.members}`,
      );
    }
    if (p.series.includes('sources')) {
      const loopback = /^127\./.test(url.hostname);
      const wanted = p.sources.length > 0 ? p.sources : loopback ? LOOPBACK_SOURCES : [];
      const usable = ctx.dialer.vantage === 'local' ? wanted : [];
      const all = tallyOf(p.targets.length);
      const per: string[] = [];
      let answeredSources = 0;
      let spread = 0;
      for (const source of usable) {
        const t = tallyOf(p.targets.length);
        await runSeries(PER_SOURCE, listenerSession(source), false, (r) => note(r, t), ctx.signal);
        if (t.answered) answeredSources++;
        if (t.byMember.filter((c) => c > 0).length > 1) spread++;
        t.byMember.forEach((c, i) => {
          all.byMember[i] = (all.byMember[i] ?? 0) + c;
        });
        per.push(`${source} → ${membersLine(t, names)}`);
      }
      data.sources = {
        tried: usable.length,
        answered: answeredSources,
        distinct: all.byMember.filter((c) => c > 0).length,
        spread,
        perSource: per.join('; '),
        ...(usable.length === 0
          ? {
              skipped:
                wanted.length === 0
                  ? 'no source addresses given (--input sources=ADDR,ADDR…: addresses of this machine)'
                  : `source addresses are chosen on this machine only, not from ${ctx.dialer.vantage}`,
            }
          : {}),
      };
      if (usable.length)
        summaryParts.push(`from ${usable.length} source addresses: ${data.sources.perSource}`);
    }
    if (p.series.includes('cookie')) {
      const names_ = new Set<string>();
      // Per cookie: answers from the same member as the answer before that set it again, and how many of those changed it.
      const resets = new Map<string, number>();
      const changes = new Map<string, number>();
      let setCount = 0;
      let previous: number | undefined;
      // One client that keeps its cookies, a new connection per request (curl -c jar -b jar, FAQ 3.11).
      const client = listenerSession()();
      try {
        let failuresInRow = 0;
        for (let i = 0; i < p.requests && !ctx.signal.aborted && failuresInRow < MAX_FAILURES; i++) {
          jar.requests++;
          const r = await client.get(true);
          await client.close();
          failuresInRow = r.ok ? 0 : failuresInRow + 1;
          note(r, jar);
          if (!r.ok) continue;
          if (r.set?.length) setCount++;
          for (const n of r.set ?? []) names_.add(n);
          // A new value from another member is that member's own session; from the
          // same member it is the session starting over (FAQ 1.11 step 4).
          const member = attribute(identity, r.answer);
          if (member !== undefined && member === previous) {
            for (const n of r.set ?? []) resets.set(n, (resets.get(n) ?? 0) + 1);
            for (const n of r.changed ?? []) changes.set(n, (changes.get(n) ?? 0) + 1);
          }
          previous = member;
        }
      } finally {
        await client.close();
      }
      // Changing: set again by the same member at least 3 times, and every time to a new value.
      const changing = [...resets].filter(([n, times]) => times >= 3 && changes.get(n) === times);
      data.cookie = {
        requests: jar.requests,
        answered: jar.answered,
        distinct: jar.byMember.filter((c) => c > 0).length,
        members: membersLine(jar, names),
        names: [...names_].sort().join(', '),
        setCount,
        changing: changing.length > 0,
        changingNames: changing.map(([n]) => n).join(', '),
        ...(p.cookieName ? { expectedSeen: names_.has(p.cookieName) } : {}),
      };
      summaryParts.push(
        `${jar.requests} sending back the cookies received (${data.cookie.names || 'none set'}): ${data.cookie.members}`,
      );
    }
    data.members = memberRows();

    const answered = fresh.answered + keep.answered + jar.answered;
    const sent = fresh.requests + keep.requests + jar.requests;
    const head = `GET ${url.href} (from ${ctx.dialer.vantage})`;
    if (sent > 0 && answered === 0 && !data.sources?.answered) {
      const reason = `no answer through the listener: ${failures.join('; ') || 'nothing came back'}`;
      return {
        outcome: 'error',
        summary: `${head}: ${reason}`,
        reason,
        data,
        durationMs: Date.now() - started,
      };
    }
    const uneven = data.fresh !== undefined && data.fresh.verdict !== 'as-weighted';
    const notSticky = data.cookie !== undefined && data.cookie.distinct > 1;
    const outcome = uneven || notSticky || noDirect.length > 0 ? 'fail' : 'pass';
    return {
      outcome,
      summary: `${head}: ${summaryParts.join('; ')}${noDirect.length ? `; no direct answer: ${data.noDirectNames}` : ''}`,
      data,
      ...(outcome === 'fail'
        ? {
            expected:
              'shares that follow the weights, one member for a client that keeps its cookie, every member answering directly',
            actual: [
              uneven ? `fresh series ${data.fresh?.verdict}` : '',
              notSticky ? `cookie series on ${data.cookie?.distinct} members` : '',
              noDirect.length ? `no direct answer: ${data.noDirectNames}` : '',
            ]
              .filter(Boolean)
              .join('; '),
          }
        : {}),
      durationMs: Date.now() - started,
    };
  },
};
