// The L4 front ends the server module starts: one call per TCP or UDP listener.
export { startTcpListener } from './tcp-listener.js';
export type { L4ConnectionEvent, L4ListenerHandle, L4ListenerOptions } from './types.js';
export { startUdpListener } from './udp-listener.js';
