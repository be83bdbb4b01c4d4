// The playbook ids of ../shared/FAQ-MAP.md: a contract scripts call, whether
// or not the playbook has shipped yet. A conclusion's `see:` and a lab
// scenario's `playbook` must name one of them, so a typo fails a test.
export const PLAYBOOK_IDS: readonly string[] = [
  'unhealthy-backend',
  'backend-unreachable',
  'abnormal-status',
  'gateway-errors',
  'router-code',
  'client-499',
  'udp-health-check',
  'five-tuple-conflict',
  'tls-handshake',
  'uneven-distribution',
  'sticky-session',
  'slow-response',
  'stress-test',
  'packet-loss',
  'client-ip',
  'health-check-noise',
];
