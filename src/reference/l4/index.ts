// The L4 front ends the server module starts: one call per TCP or UDP listener.
// Both proxy in fullNAT (FAQ 4.1): members see the load balancer's address as
// the source. `transparent_client_ip_enable` would need TPROXY, which loopback
// labs cannot offer, so the reference LB ignores it; lbdoctor reads the flag
// only to diagnose (FAQ 1.3 five-tuple conflicts, 3.9 client IP).
export { startTcpListener } from './tcp-listener.js';
export type { L4ConnectionEvent, L4ListenerHandle, L4ListenerOptions } from './types.js';
export { startUdpListener } from './udp-listener.js';
