// Cookie reading for L7 stickiness (FAQ 1.4 step 5, 1.11, 3.10): the request's
// Cookie header for the pick, the backend's Set-Cookie for APP_COOKIE learning.

/** `a=1; b=2` → { a: '1', b: '2' }; the first occurrence of a name wins. */
export function parseCookieHeader(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    for (const part of v.split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const name = part.slice(0, eq).trim();
      if (name && !(name in out))
        out[name] = part
          .slice(eq + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1');
    }
  }
  return out;
}

/** The value a Set-Cookie header sets for `name`, if it sets that cookie. */
export function setCookieValue(header: string, name: string): string | undefined {
  const first = header.split(';', 1)[0] ?? '';
  const eq = first.indexOf('=');
  if (eq <= 0 || first.slice(0, eq).trim() !== name) return undefined;
  return first
    .slice(eq + 1)
    .trim()
    .replace(/^"(.*)"$/, '$1');
}

export function formatSetCookie(c: { name: string; value: string; maxAgeSeconds: number }): string {
  return `${c.name}=${c.value}; Max-Age=${c.maxAgeSeconds}; Path=/; HttpOnly`;
}
