// keepalive-config on `nginx -T` text: the captured Debian default (nothing
// set: nginx's 75 s), includes resolved as nginx reads them (conf.d at http
// level, a snippet inside a server block), time units, location overrides,
// keep-alive off, and the reads that fail. Observations checked against the
// contract.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepaliveConfigParams } from '../../../src/probes/contracts/keepalive-config.js';
import { keepaliveConfigProbe as raw } from '../../../src/probes/keepalive-config.js';
import { listenPort, nginxKeepaliveFor, nginxSeconds } from '../../../src/probes/parsers/nginx-keepalive.js';
import type { SectionOutput } from '../../../src/transport/types.js';
import { checked } from '../../helpers/contracts.js';

const probe = checked(raw);
const fixture = readFileSync(
  join(import.meta.dirname, '..', '..', 'fixtures', 'host-outputs', 'nginx-T.debian.txt'),
  'utf8',
);
const out = (stdout: string, exitCode = 0, stderr = ''): SectionOutput[] => [
  { id: 'nginx-config', args: [], exitCode, stdout, stderr },
];
const evaluate = (p: Record<string, unknown>, outputs: SectionOutput[]) =>
  probe.evaluate(keepaliveConfigParams.parse(p), outputs);

/** nginx -T of a configuration spread over includes, as nginx prints it. */
const spread = `# configuration file /etc/nginx/nginx.conf:
user www-data;
events { worker_connections 768; }
http {
	# keepalive_timeout 10;  (a comment, not a directive)
	include /etc/nginx/conf.d/*.conf;
	include sites-enabled/*;
}

# configuration file /etc/nginx/conf.d/timeouts.conf:
keepalive_timeout 1m30s;

# configuration file /etc/nginx/sites-enabled/app:
server {
	listen 10.0.0.5:8080;
	server_name app.example.com "www.example.com";
	include /etc/nginx/snippets/short.conf;
	location /slow { keepalive_timeout 500ms; }
}
server {
	listen [::]:8081 default_server;
	location / { return 200; }
}

# configuration file /etc/nginx/snippets/short.conf:
keepalive_timeout 1s 1s;
`;

describe('nginx keepalive_timeout from nginx -T', () => {
  it('the Debian default sets none: nginx default 75 s on port 80', () => {
    const k = nginxKeepaliveFor(fixture, 80);
    expect(k.http).toBeNull();
    // One server block (listen 80 and [::]:80), named by the first listen that matched.
    expect(k.servers).toEqual([{ listen: '80', names: ['_'], timeoutSeconds: 75, source: 'nginx default' }]);
  });

  it('resolves includes: conf.d at http level, a snippet inside the server block wins there', () => {
    const k = nginxKeepaliveFor(spread, 8080);
    expect(k.http).toEqual({ timeoutSeconds: 90, source: '/etc/nginx/conf.d/timeouts.conf:1' });
    expect(k.servers).toEqual([
      {
        listen: '10.0.0.5:8080',
        names: ['app.example.com', 'www.example.com'],
        timeoutSeconds: 1,
        source: '/etc/nginx/snippets/short.conf:1',
      },
    ]);
    expect(k.locations).toEqual([{ timeoutSeconds: 0.5, source: '/etc/nginx/sites-enabled/app:5' }]);
    // The other server takes the http-level value; a port nobody listens on has no server.
    expect(nginxKeepaliveFor(spread, 8081).servers[0]).toMatchObject({
      timeoutSeconds: 90,
      listen: '[::]:8081',
    });
    expect(nginxKeepaliveFor(spread, 9999).servers).toEqual([]);
  });

  it('reads nginx times and listen ports', () => {
    expect([nginxSeconds('75'), nginxSeconds('75s'), nginxSeconds('1m30s'), nginxSeconds('500ms')]).toEqual([
      75, 75, 90, 0.5,
    ]);
    expect(nginxSeconds('soon')).toBeUndefined();
    expect(
      ['80', '*:8080', '127.0.0.1:81', '[::1]:82', '10.0.0.5', 'unix:/run/x.sock'].map(listenPort),
    ).toEqual([80, 8080, 81, 82, 80, undefined]);
  });
});

describe('keepalive-config probe', () => {
  it('fails when nginx closes idle connections no later than the load balancer reuses them', () => {
    const obs = evaluate({ port: 8080, lbIdleSeconds: 60 }, out(spread));
    expect(obs).toMatchObject({
      outcome: 'fail',
      data: { timeoutSeconds: 1, source: '/etc/nginx/snippets/short.conf:1', lbIdleSeconds: 60 },
    });
    expect(obs.summary).toContain(
      "keepalive_timeout 1 s (/etc/nginx/snippets/short.conf:1), not longer than the load balancer's 60 s",
    );
    expect(obs.summary).toContain('location blocks set 0.5 s');
  });

  it("passes on nginx's default 75 s against 60 s, and fails against 75 s", () => {
    expect(evaluate({ port: 80 }, out(fixture))).toMatchObject({
      outcome: 'pass',
      data: { timeoutSeconds: 75, source: 'nginx default' },
    });
    expect(evaluate({ port: 80, lbIdleSeconds: 75 }, out(fixture)).outcome).toBe('fail');
  });

  it('keep-alive off (0) is no race: pass', () => {
    const off =
      '# configuration file /etc/nginx/nginx.conf:\nhttp { keepalive_timeout 0; server { listen 80; } }\n';
    const obs = evaluate({ port: 80 }, out(off));
    expect(obs).toMatchObject({ outcome: 'pass', data: { timeoutSeconds: 0 } });
    expect(obs.summary).toContain('keep-alive is off');
  });

  it('could not check: nginx not installed, or nothing on the port', () => {
    expect(evaluate({ port: 80 }, out('', 127, 'sh: nginx: not found'))).toMatchObject({
      outcome: 'error',
      reason: expect.stringContaining('not installed'),
    });
    expect(evaluate({ port: 9999 }, out(spread))).toMatchObject({
      outcome: 'error',
      reason: 'no nginx server block listens on port 9999 (nginx -T)',
    });
  });

  it('reads nginx -T, nothing else', () => {
    expect(probe.sections(keepaliveConfigParams.parse({ port: 80 }))).toEqual([{ id: 'nginx-config' }]);
  });
});
