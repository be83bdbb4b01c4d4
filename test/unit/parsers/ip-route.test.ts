import { describe, expect, it } from 'vitest';
import {
  defaultRoutes,
  parseIpRoute,
  parseRouteN,
  parseRoutes,
} from '../../../src/probes/parsers/ip-route.js';
import { fixture } from './fixture.js';

describe('routes', () => {
  it('parses this machine’s ip route', () => {
    const routes = parseIpRoute(fixture('ip-route.debian.txt'));
    expect(defaultRoutes(routes)[0]).toEqual({ destination: 'default', gateway: '192.0.2.1', dev: 'eth0' });
    expect(routes[1]).toMatchObject({
      destination: '192.0.2.0/24',
      proto: 'kernel',
      scope: 'link',
      src: '192.0.2.2',
    });
  });

  it('parses the namespace with a wrong default route (FAQ 2.1 figure 2-6)', () => {
    const routes = parseRoutes(fixture('netns-ip-route.txt'));
    expect(defaultRoutes(routes).map((r) => r.gateway)).toEqual(['192.168.0.134']);
    expect(routes[1]).toMatchObject({
      destination: '169.254.169.254/32',
      gateway: '192.168.0.1',
      proto: 'static',
    });
  });

  it('parses route -n (net-tools) to the same shape', () => {
    const routes = parseRoutes(fixture('netns-route-n.txt'));
    expect(routes).toEqual([
      { destination: 'default', gateway: '192.168.0.134', dev: 'eth0', metric: 0 },
      { destination: '169.254.169.254/32', gateway: '192.168.0.1', dev: 'eth0', metric: 0 },
      { destination: '192.168.0.0/24', dev: 'eth0', metric: 0 },
    ]);
    expect(parseRouteN('garbage\n')).toEqual([]);
  });

  it('parses CentOS-style routes with metrics (FAQ 2.1 figure 2-5) and orders defaults by metric', () => {
    const routes = parseIpRoute(fixture('ip-route.centos-faq.txt'));
    expect(defaultRoutes(routes)[0]).toMatchObject({ gateway: '192.168.2.1', proto: 'dhcp', metric: 100 });
    const two = parseIpRoute(
      'default via 10.0.0.9 dev eth1 metric 200\ndefault via 10.0.0.1 dev eth0 metric 100\nblackhole 10.9.0.0/16\n',
    );
    expect(defaultRoutes(two).map((r) => r.gateway)).toEqual(['10.0.0.1', '10.0.0.9']);
    expect(two[2]).toEqual({ destination: '10.9.0.0/16', type: 'blackhole' });
  });
});
