import { describe, expect, it } from 'vitest';
import { buildProbeParams, parseWithPairs } from '../../../src/cli/probe-params.js';
import { InputError, UsageError } from '../../../src/errors.js';
import { httpProbe } from '../../../src/probes/http.js';
import { tcpProbe } from '../../../src/probes/tcp.js';

describe('parseWithPairs', () => {
  it('reads JSON-looking values as JSON and the rest as strings, nesting dotted keys', () => {
    expect(
      parseWithPairs([
        'port=8080',
        'path=/health',
        'insecure=true',
        'expect.status=2xx',
        'cookies={"a":"1"}',
        'x=-1',
      ]),
    ).toEqual({
      port: 8080,
      path: '/health',
      insecure: true,
      expect: { status: '2xx' },
      cookies: { a: '1' },
      x: -1,
    });
  });
  it('keeps malformed JSON as text and rejects pairs without a key', () => {
    expect(parseWithPairs(['body={not json'])).toEqual({ body: '{not json' });
    expect(() => parseWithPairs(['=1'])).toThrow(UsageError);
    expect(() => parseWithPairs(['novalue'])).toThrow(UsageError);
    expect(() => parseWithPairs(['a=1', 'a.b=2'])).toThrow(/already a value/);
  });
});

describe('buildProbeParams', () => {
  it('combines --target, named flags and --with, validated by the probe schema', () => {
    const p = buildProbeParams('http', httpProbe.params, {
      target: '[::1]:8443',
      with: ['scheme=https', 'path=/x'],
      named: { servername: 'www.example.com', url: undefined },
    });
    expect(p).toMatchObject({
      host: '::1',
      port: 8443,
      scheme: 'https',
      path: '/x',
      servername: 'www.example.com',
    });
  });
  it('names the field in schema errors (exit 2)', () => {
    try {
      buildProbeParams('tcp', tcpProbe.params, { target: '127.0.0.1:80', with: ['port=0'], named: {} });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems[0]?.field).toBe('port');
      expect((err as InputError).exitCode).toBe(2);
    }
  });
});
