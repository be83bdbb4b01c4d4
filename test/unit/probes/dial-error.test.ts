import { describe, expect, it } from 'vitest';
import { classifyDialError, DialError } from '../../../src/transport/dialers/local.js';

const errno = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('classifyDialError', () => {
  it.each([
    [errno('ECONNREFUSED'), 'refused'],
    [errno('ETIMEDOUT'), 'timeout'],
    [new DialError('ETIMEDOUT', 'connect', 'connect timed out'), 'timeout'],
    [errno('EHOSTUNREACH'), 'unreachable'],
    [errno('ENETUNREACH'), 'unreachable'],
    [errno('ENOTFOUND'), 'dns-error'],
    [errno('EAI_AGAIN'), 'dns-error'],
    [new DialError('ETIMEOUT', 'dns', 'resolving x timed out'), 'dns-error'],
    [errno('ECONNRESET'), 'reset'],
    [new DOMException('aborted', 'AbortError'), 'aborted'],
    [new DOMException('deadline', 'TimeoutError'), 'timeout'],
    // ssh2 forwardOut failures carry the remote strerror as text only.
    [new Error('(SSH) Channel open failure: Connection refused'), 'refused'],
    [new Error('(SSH) Channel open failure: No route to host'), 'unreachable'],
    [new Error('(SSH) Channel open failure: Connection timed out'), 'timeout'],
    [new Error('getaddrinfo: Name or service not known'), 'dns-error'],
    [new Error('something else entirely'), 'error'],
  ])('%s → %s', (err, state) => {
    expect(classifyDialError(err).state).toBe(state);
  });
});
