// TCP sockets in every state from `ss -tan` (State Recv-Q Send-Q Local Peer)
// or `netstat -tan` (Proto Recv-Q Send-Q Local Foreign State). FAQ 1.3: a
// client that uses one source port towards several load balancers shows it
// here, one local address:port with several peers.
import { splitHostPort } from './listening.js';

export interface Endpoint {
  address: string;
  port: number;
}

export interface TcpSocket {
  /** ss spelling: ESTAB, SYN-SENT, TIME-WAIT, LISTEN… (netstat's ESTABLISHED, SYN_SENT… are mapped to it). */
  state: string;
  local: Endpoint;
  peer: Endpoint;
}

const NETSTAT_STATES: Readonly<Record<string, string>> = {
  ESTABLISHED: 'ESTAB',
  SYN_SENT: 'SYN-SENT',
  SYN_RECV: 'SYN-RECV',
  FIN_WAIT1: 'FIN-WAIT-1',
  FIN_WAIT2: 'FIN-WAIT-2',
  TIME_WAIT: 'TIME-WAIT',
  CLOSE: 'UNCONN',
  CLOSE_WAIT: 'CLOSE-WAIT',
  LAST_ACK: 'LAST-ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

function endpoint(text: string | undefined): Endpoint | undefined {
  const e = text ? splitHostPort(text) : undefined;
  return e ? { address: e.address, port: e.port } : undefined;
}

export function parseTcpSockets(text: string): TcpSocket[] {
  const out: TcpSocket[] = [];
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w.length < 5) continue;
    let state: string;
    let local: Endpoint | undefined;
    let peer: Endpoint | undefined;
    if (/^tcp6?$/.test(w[0]!)) {
      // netstat: Proto Recv-Q Send-Q Local Foreign State
      state = NETSTAT_STATES[w[5] ?? ''] ?? w[5] ?? '';
      local = endpoint(w[3]);
      peer = endpoint(w[4]);
    } else {
      // ss: State Recv-Q Send-Q Local Peer (header "State" skipped: its Recv-Q is not a number)
      if (!/^\d+$/.test(w[1]!)) continue;
      state = w[0]!;
      local = endpoint(w[3]);
      peer = endpoint(w[4]);
    }
    if (!state || !local || !peer) continue;
    out.push({ state, local, peer });
  }
  return out;
}
