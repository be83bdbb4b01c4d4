// Address and CIDR maths, on ipaddr.js rather than hand-written bit twiddling.
import ipaddr from 'ipaddr.js';

export function isValidIp(s: string): boolean {
  return ipaddr.isValid(s) && (ipaddr.IPv4.isValidFourPartDecimal(s) || ipaddr.IPv6.isValid(s));
}

export function isValidCidr(s: string): boolean {
  if (!s.includes('/')) return isValidIp(s);
  try {
    ipaddr.parseCIDR(s);
    return true;
  } catch {
    return false;
  }
}

/** Parses "a.b.c.d", "a.b.c.d/n" or IPv6 forms into [address, prefix]. */
export function parseCidr(s: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (s.includes('/')) return ipaddr.parseCIDR(s);
  const addr = ipaddr.parse(s);
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}

/** Whether `ip` falls inside `cidr`; IPv4-mapped IPv6 addresses count as IPv4. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [net, bits] = parseCidr(cidr);
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  if (addr.kind() !== net.kind()) return false;
  return addr.match(net, bits);
}

/** Whether any of `cidrs` contains `ip`. */
export function anyCidrContains(cidrs: readonly string[], ip: string): boolean {
  return cidrs.some((c) => cidrContains(c, ip));
}

/**
 * "10.0.1.1:8080", "[2001:db8::1]:8080": one spelling per endpoint, so
 * "2001:0db8:0:0::1" and "2001:db8::1" (or an IPv4-mapped address and its
 * IPv4 form) compare equal.
 */
export function endpointKey(address: string, port: number): string {
  let a = address;
  try {
    a = ipaddr.process(address).toString();
  } catch {
    // Not an address ipaddr.js reads: compare the text as written.
  }
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}
