import { describe, expect, it } from 'vitest';
import {
  parseApacheRealIp,
  parseNginxRealIp,
  parseTomcatRealIp,
  proxyRangeTrusted,
} from '../../../src/probes/parsers/real-ip.js';
import { fixture } from './fixture.js';

const LB = '100.125.0.0/16';

describe('nginx', () => {
  it('finds nothing in Debian’s stock nginx -T output', () => {
    const c = parseNginxRealIp(fixture('nginx-T.debian.txt'));
    expect(c.header).toBeUndefined();
    expect(c.trusted).toEqual([]);
    expect(proxyRangeTrusted(c, LB).r).toBe('no');
  });

  it('reads the FAQ 3.9 snippet, ignoring comments', () => {
    const c = parseNginxRealIp(fixture('nginx-realip.faq.conf'));
    expect(c).toMatchObject({
      header: 'X-Forwarded-For',
      trusted: ['100.125.0.0/16'],
      sources: ['nginx.conf:6', 'nginx.conf:7'],
    });
    expect(proxyRangeTrusted(c, LB).r).toBe('yes');
    expect(proxyRangeTrusted(c, '192.168.0.0/24').r).toBe('no');
  });

  it('names the file from nginx -T headers and sees a too-narrow range', () => {
    const c = parseNginxRealIp(
      '# configuration file /etc/nginx/conf.d/lb.conf:\nset_real_ip_from 100.125.1.0/24; real_ip_header X-Real-IP;\n',
    );
    expect(c.sources).toEqual(['/etc/nginx/conf.d/lb.conf:1', '/etc/nginx/conf.d/lb.conf:1']);
    expect(c.header).toBe('X-Real-IP');
    expect(proxyRangeTrusted(c, LB).r).toBe('partial');
  });
});

describe('Apache', () => {
  it('reads mod_remoteip settings (FAQ 3.9)', () => {
    const c = parseApacheRealIp(fixture('httpd-remoteip.faq.conf'), '/etc/httpd/conf/httpd.conf');
    expect(c).toMatchObject({ moduleLoaded: true, header: 'X-Forwarded-For', trusted: ['100.125.0.0/16'] });
    expect(c.sources[0]).toBe('/etc/httpd/conf/httpd.conf:4');
    expect(proxyRangeTrusted(c, LB).r).toBe('yes');
  });

  it('cannot tell from a proxy list file', () => {
    const c = parseApacheRealIp(
      'RemoteIPHeader X-Forwarded-For\nRemoteIPTrustedProxyList conf/proxies.lst\n',
    );
    expect(proxyRangeTrusted(c, LB).r).toBe('unknown');
  });
});

describe('Tomcat', () => {
  it('sees the FAQ’s AccessLogValve pattern and no RemoteIpValve (comments ignored)', () => {
    const c = parseTomcatRealIp(fixture('tomcat-server.faq.xml'));
    expect(c.logsForwardedFor).toBe(true);
    expect(c.header).toBeUndefined();
    expect(proxyRangeTrusted(c, LB).r).toBe('no');
  });

  it('evaluates internalProxies as a regular expression; the default covers 100.64.0.0/10', () => {
    const withDefault = parseTomcatRealIp(
      '<Server><Valve className="org.apache.catalina.valves.RemoteIpValve"/></Server>',
    );
    expect(withDefault.trustedRegex?.isDefault).toBe(true);
    expect(withDefault.header).toBe('X-Forwarded-For');
    expect(proxyRangeTrusted(withDefault, LB).r).toBe('yes');
    const narrow = parseTomcatRealIp(
      '<Server><Valve className="org.apache.catalina.valves.RemoteIpValve" internalProxies="100\\.125\\.0\\.\\d+" remoteIpHeader="x-forwarded-for"/></Server>',
    );
    expect(proxyRangeTrusted(narrow, LB).r).toBe('partial');
  });
});
