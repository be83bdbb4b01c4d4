import { describe, expect, it } from 'vitest';
import { conditionHolds } from '../../../src/engine/conditions.js';
import { getPath, renderText, renderValue } from '../../../src/engine/template.js';

const ctx = {
  listener: { port: 80, name: 'web' },
  steps: { req: { data: { headers: { 'x-router-code': '40000' }, status: 503 } } },
};

describe('templates', () => {
  it('keeps the type of a whole-string template and interpolates text', () => {
    expect(renderValue('{{ listener.port }}', ctx)).toBe(80);
    expect(renderValue({ url: 'http://x:{{ listener.port }}/' }, ctx)).toEqual({ url: 'http://x:80/' });
    expect(renderText('{{ steps.req.data.headers.x-router-code }} on {{ listener.name }}', ctx)).toBe(
      '40000 on web',
    );
  });
  it('missing values: undefined for whole templates, a fallback when given, "(unknown)" in text', () => {
    expect(renderValue('{{ member.address }}', ctx)).toBeUndefined();
    expect(renderValue("{{ member.address | 'none' }}", ctx)).toBe('none');
    expect(renderText('at {{ member.address }}', ctx)).toBe('at (unknown)');
  });
  it('does not walk into strings or run code', () => {
    expect(getPath(ctx, 'listener.name.length')).toBeUndefined();
    expect(renderText('{{ constructor.constructor }}', {})).toBe('(unknown)');
  });
});

describe('branch conditions', () => {
  const obs = { outcome: 'pass', data: { status: 503, headers: { 'x-router-code': '40000' } } };
  it('matches outcome sets and values loosely typed as YAML writes them', () => {
    expect(
      conditionHolds({ outcome: ['pass', 'fail'], path: 'data.headers.x-router-code', equals: 40000 }, obs),
    ).toBe(true);
    expect(conditionHolds({ outcome: 'fail' }, obs)).toBe(false);
    expect(conditionHolds({ path: 'data.status', gte: 500, lt: 600 }, obs)).toBe(true);
    expect(conditionHolds({ path: 'data.status', in: [502, 504] }, obs)).toBe(false);
    expect(conditionHolds({ path: 'data.headers.server', exists: false }, obs)).toBe(true);
    expect(conditionHolds({ path: 'data.status', matches: '^5\\d\\d$' }, obs)).toBe(true);
    expect(
      conditionHolds(
        {
          any: [
            { path: 'data.status', equals: 1 },
            { path: 'data.status', equals: 503 },
          ],
        },
        obs,
      ),
    ).toBe(true);
    expect(
      conditionHolds(
        {
          all: [
            { path: 'data.status', equals: 503 },
            { path: 'data.status', not: 503 },
          ],
        },
        obs,
      ),
    ).toBe(false);
  });
  it('a range test on a missing or non-numeric value does not hold', () => {
    expect(conditionHolds({ path: 'data.nothing', gte: 0 }, obs)).toBe(false);
  });
});
