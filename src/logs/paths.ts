// Paths as the summary groups them: the query string left out, and segments
// that are identifiers (all digits, or 16+ hex digits/dashes such as UUIDs)
// replaced by `{id}`, so /api/orders/1 and /api/orders/2 are one path.

/** Longer paths are cut here before grouping. */
export const MAX_PATH = 200;

function isIdSegment(p: string, a: number, b: number): boolean {
  if (b <= a) return false;
  let digits = true;
  let hex = true;
  let anyDigit = false;
  for (let i = a; i < b; i++) {
    const c = p.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    if (digit) anyDigit = true;
    else digits = false;
    if (!(digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 45)) hex = false;
  }
  return digits || (hex && anyDigit && b - a >= 16);
}

/** `/api/orders/123?x=1` → `/api/orders/{id}`. */
export function pathKey(uri: string): string {
  let end = uri.indexOf('?');
  if (end < 0) end = uri.length;
  if (end > MAX_PATH) end = MAX_PATH;
  let digit = false;
  for (let i = 0; i < end; i++) {
    const c = uri.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digit = true;
      break;
    }
  }
  if (!digit) return end === uri.length ? uri : uri.slice(0, end);
  let out = '';
  let from = 0;
  let seg = 0;
  for (let i = 0; i <= end; i++) {
    if (i === end || uri.charCodeAt(i) === 47) {
      if (isIdSegment(uri, seg, i)) {
        out += `${uri.slice(from, seg)}{id}`;
        from = i;
      }
      seg = i + 1;
    }
  }
  return from === 0 ? uri.slice(0, end) : out + uri.slice(from, end);
}

/**
 * A copy of `s` that shares no memory with the string it was cut from. Slices
 * of a 64 KiB chunk kept as map keys would otherwise keep whole chunks alive.
 */
export function detached(s: string): string {
  return ` ${s}`.slice(1);
}
