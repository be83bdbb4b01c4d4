// One health check's answer. Outcomes are the project's closed set minus
// `skip`: `error` means the check itself could not run (e.g. no `ping`
// binary) and is kept apart from a member that answered badly; the load
// balancer counts both as a failed check.
export interface CheckTarget {
  address: string;
  port: number;
}

export interface CheckResult {
  outcome: 'pass' | 'fail' | 'error';
  /** One sentence an operator can act on, with the FAQ section. */
  reason: string;
  durationMs: number;
  /** HTTP/HTTPS: the status code the member answered. */
  statusCode?: number;
  /** UDP_CONNECT: which half answered (FAQ 2.4 runs ICMP echo, then the UDP probe). */
  phase?: 'icmp-echo' | 'udp' | 'connect' | 'http';
}
