// The fast reader's path keys (read from the URI's bytes, remembered by hash)
// must be exactly pathKey() of the URI, on first sight and when remembered, and
// `exact` must say when the key is the URI's path itself.
import { describe, expect, it } from 'vitest';
import { PathKeys } from '../../../src/logs/path-keys.js';
import { MAX_PATH, pathKey } from '../../../src/logs/paths.js';

const URIS = [
  '/',
  '',
  '/cart',
  '/cart?id=7',
  '/api/orders/12345',
  '/api/orders/12345?x=1',
  '/api/orders/12346/items',
  '/api/orders/12346/items/',
  '/u/5f0c6b1e-1111-4c2a-9d7e-aaaaaaaaaaaa/cart',
  '/h/0123456789abcde',
  '/h/0123456789abcdef',
  '/h/abcdefabcdefabcdef',
  '/h/ABCDEF0123456789',
  '/v2/items',
  '//double//slash/7',
  '/{id}',
  '/7',
  '/7/8/9?',
  '?only=query',
  '/health',
  '/health?probe=1',
  `/${'a'.repeat(MAX_PATH + 20)}`,
  `/${'a'.repeat(MAX_PATH - 2)}/1234`,
  `/${'a'.repeat(MAX_PATH - 1)}?q`,
  `/${'1/'.repeat(MAX_PATH)}`,
  '/caf\xe9/1',
];

function read(keys: PathKeys, uri: string) {
  // The URI inside a longer text, as in a chunk of log.
  const text = `GET ${uri} HTTP/1.1`;
  const key = keys.get(text, Buffer.from(text, 'latin1'), 4, 4 + uri.length);
  return { key, exact: keys.exact };
}

describe('PathKeys', () => {
  it('gives pathKey() of each URI, the first time and when it remembers it', () => {
    const keys = new PathKeys();
    for (let round = 0; round < 2; round++) {
      for (const uri of URIS) {
        const { key, exact } = read(keys, uri);
        expect(key, uri).toBe(pathKey(uri));
        const q = uri.indexOf('?');
        expect(exact, uri).toBe(key === (q < 0 ? uri : uri.slice(0, q)));
      }
    }
  });

  it('gives one string object for a path however many lines name it', () => {
    const keys = new PathKeys();
    const a = read(keys, '/api/orders/1?x').key;
    const b = read(keys, '/api/orders/2').key;
    expect(b).toBe('/api/orders/{id}');
    expect(Object.is(a, b)).toBe(true);
  });
});
