// Faulty local backends for tests, lab scenarios and benchmarks.
export {
  type HttpAnswer,
  type HttpBackend,
  type HttpBackendOptions,
  type HttpFault,
  type HttpRule,
  startHttpBackend,
} from './http-backend.js';
export {
  startTcpBackend,
  type TcpBackend,
  type TcpBackendOptions,
  type TcpBehaviour,
} from './tcp-backend.js';
export type { ListenOptions, RunningServer } from './types.js';
export {
  startUdpBackend,
  type UdpBackend,
  type UdpBackendOptions,
  type UdpBehaviour,
} from './udp-backend.js';
