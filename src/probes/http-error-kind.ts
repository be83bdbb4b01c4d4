// How a dial that did not open is named in the HTTP probes' data.error.kind:
// one mapping for http and http-keepalive (and without undici, which http loads).
import type { DialFailure } from '../transport/dialers/local.js';
import type { HttpErrorKind } from './contracts/http.js';

export function dialKind(f: DialFailure): HttpErrorKind {
  switch (f.state) {
    case 'refused':
      return 'connect-refused';
    case 'timeout':
      return 'connect-timeout';
    case 'unreachable':
      return 'unreachable';
    case 'dns-error':
      return 'dns';
    case 'aborted':
      return 'aborted';
    default:
      return 'connect-error';
  }
}
