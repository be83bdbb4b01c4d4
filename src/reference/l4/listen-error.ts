// A listener that cannot bind is bad input for the operator to fix (exit 2),
// said with the address and what to do — not a stack trace.
import { LbdError } from '../../errors.js';

export function listenError(
  err: NodeJS.ErrnoException,
  protocol: string,
  host: string,
  port: number,
  name: string,
) {
  const where = `${protocol} ${host}:${port} (listener ${name})`;
  if (err.code === 'EADDRINUSE') {
    return new LbdError('LBD_ERR_PORT_IN_USE', `cannot listen on ${where}: the port is in use`, {
      hint: 'stop whatever holds it (ss -ltnup) or choose another protocol_port',
      cause: err,
    });
  }
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new LbdError('LBD_ERR_PERMISSION', `cannot listen on ${where}: permission denied`, {
      hint: 'ports below 1024 need root or CAP_NET_BIND_SERVICE',
      cause: err,
    });
  }
  if (err.code === 'EADDRNOTAVAIL') {
    return new LbdError('LBD_ERR_INPUT', `cannot listen on ${where}: the address is not on this machine`, {
      hint: 'set reference.bind_address to a local address (e.g. 127.0.0.1)',
      cause: err,
    });
  }
  return new LbdError('LBD_ERR_INTERNAL', `cannot listen on ${where}: ${err.code ?? err.message}`, {
    cause: err,
  });
}
