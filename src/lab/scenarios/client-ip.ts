// FAQ 3.9 on real hosts: does the backend see the client's address? Member be1
// runs a real nginx (or a real Apache configured the Debian way, its settings
// spread over the tree apache2.conf includes) that logs every request
// (combined format) and, per scenario, takes the client address from
// X-Forwarded-For or not. Two balancers stand in front of it on the lb
// host: the reference LB (the inventory's listener, port 80) and a real nginx
// proxy on port 8080 that adds X-Forwarded-For the way ELB does
// ($proxy_add_x_forwarded_for), so the same fault can be diagnosed through
// third-party software (`--target LB:8080`).
// The lab's load balancer is described as dedicated with the lb host's own
// address as its subnet: that is where its proxied connections come from,
// while the operator (the client) is another address of the lab. Layer 4
// runs on kernel load balancers instead (below).
import { join } from 'node:path';
import { LbdError } from '../../errors.js';
import { quickHttpCheck } from './define.js';
import { defineKernelLbScenario } from './define-kernel-lb.js';
import { defineHostScenario, type HostBuildContext, type HostScenarioBuild, LB_HOST } from './define-host.js';
import type { Scenario } from './types.js';

const MEMBER = 'be1';
const POOL = 'web-pool';
/** The real nginx balancer's port on the lb host (the reference LB has port 80). */
export const NGINX_BALANCER_PORT = 8080;

/** be1's web server, access log and configuration file of each lab that is up, by its lb host's namespace. */
const memberFiles = new Map<string, { server: WebServer; log: string; conf: string }>();

type WebServer = 'nginx' | 'apache';

/** be1's real-IP settings: none, or trust `trust` to set `header` (X-Forwarded-For): nginx set_real_ip_from/real_ip_header, Apache RemoteIPInternalProxy/RemoteIPHeader. */
type RealIp = { trust: string; header?: string; apacheModule?: 'not-enabled' } | undefined;

async function loggingMember(ctx: HostBuildContext, realIp: RealIp, server: WebServer): Promise<void> {
  const member = server === 'apache' ? await apacheMember(ctx, realIp) : await nginxMember(ctx, realIp);
  // The nginx balancer: what ELB's Layer-7 listener does to the headers, done by nginx.
  await ctx.nginx(LB_HOST, {
    port: NGINX_BALANCER_PORT,
    locations: [
      'location / {',
      `        proxy_pass http://${member.address}:${member.port};`,
      '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      '        proxy_set_header X-Real-IP $remote_addr;',
      '      }',
    ].join('\n'),
  });
  memberFiles.set(ctx.lb.ns, { server, log: member.log, conf: member.conf });
}

interface LoggingMember {
  address: string;
  port: number;
  log: string;
  conf: string;
}

async function nginxMember(ctx: HostBuildContext, realIp: RealIp): Promise<LoggingMember> {
  const log = join(ctx.lab.dir, `${MEMBER}-access.log`);
  const member = await ctx.nginx(MEMBER, {
    locations: [
      `access_log ${log} combined;`,
      ...(realIp
        ? [`set_real_ip_from ${realIp.trust};`, `real_ip_header ${realIp.header ?? 'X-Forwarded-For'};`]
        : []),
      `add_header X-Backend ${MEMBER} always;`,
      'location = /health { access_log off; return 200 "ok\\n"; }',
      `location / { return 200 "${MEMBER}\\n"; }`,
    ].join('\n      '),
  });
  return { address: member.address, port: member.port, log, conf: member.config! };
}

/**
 * be1 as a stock Debian Apache: mod_remoteip enabled with a2enmod (its
 * LoadModule lands in mods-enabled/remoteip.load) and its settings in
 * conf-enabled/remoteip.conf, never in apache2.conf. The log format takes %a,
 * the address mod_remoteip settles on (%h would stay the connection's).
 */
async function apacheMember(ctx: HostBuildContext, realIp: RealIp): Promise<LoggingMember> {
  const member = await ctx.apache(MEMBER, {
    modules: realIp && realIp.apacheModule !== 'not-enabled' ? ['remoteip'] : [],
    conf: {
      // ELB's health check wants a 200 (FAQ 2.8); the package's index page is one.
      'lab-health': 'Alias /health /var/www/html/index.html\n',
      'lab-log-format':
        'LogFormat "%a %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined\n',
      ...(realIp
        ? {
            // Guarded as guides write it, so Apache starts even without the module (and then ignores it).
            remoteip: [
              '<IfModule remoteip_module>',
              `  RemoteIPHeader ${realIp.header ?? 'X-Forwarded-For'}`,
              `  RemoteIPInternalProxy ${realIp.trust}`,
              '</IfModule>',
              '',
            ].join('\n'),
          }
        : {}),
    },
  });
  return { address: member.address, port: member.port, log: member.accessLog, conf: member.config! };
}

function webPool(ctx: HostBuildContext): HostScenarioBuild['inventory'] {
  return {
    loadbalancer: { vip_subnet_cidr: `${ctx.lb.address}/32` },
    listeners: [{ name: 'web', protocol: 'HTTP', protocol_port: 80, default_pool_id: POOL }],
    pools: [{ id: POOL, protocol: 'HTTP', healthmonitor: quickHttpCheck, members: [ctx.member(MEMBER, 80)] }],
  };
}

/** The scenario with `--input backend_log=… --input server_config=…` (be1's real files) added to its runArgs. */
function withMemberFiles(scenario: Scenario): Scenario {
  return {
    ...scenario,
    start: async (options) => {
      const running = await scenario.start(options);
      const ns = running.hosts?.find((h) => h.name === LB_HOST)?.ns;
      const files = ns ? memberFiles.get(ns) : undefined;
      if (ns) memberFiles.delete(ns);
      if (!files) {
        await running.close();
        throw new LbdError(
          'LBD_ERR_INTERNAL',
          `lab scenario ${scenario.id}: be1's web server files are not known`,
        );
      }
      const inputs = [
        ...['--input', `backend_log=${files.log}`, '--input', `server_config=${files.conf}`],
        ...(files.server === 'nginx' ? [] : ['--input', `web_server=${files.server}`]),
      ];
      return { ...running, runArgs: [...(running.runArgs ?? []), ...inputs] };
    },
  };
}

function l7Scenario(
  id: string,
  title: string,
  conclusion: string,
  expect: string,
  realIp: (ctx: HostBuildContext) => RealIp,
  server: WebServer = 'nginx',
): Scenario {
  return withMemberFiles(
    defineHostScenario({
      id,
      title,
      faq: '3.9',
      playbook: 'client-ip',
      conclusion,
      symptom: { listener: 'web', path: '/', expect },
      members: [MEMBER],
      tools: server === 'apache' ? ['nginx', 'apache2'] : ['nginx'],
      async build(ctx) {
        await loggingMember(ctx, realIp(ctx), server);
        return { inventory: webPool(ctx), settle: { [POOL]: 'healthy' } };
      },
    }),
  );
}

export const realIpNotConfigured = l7Scenario(
  'real-ip-not-configured',
  "be1's nginx logs the load balancer's address: it never reads X-Forwarded-For",
  'real-ip-not-configured',
  "be1 answers; its access log shows the load balancer's address for every request",
  () => undefined,
);

export const realIpRangeNotTrusted = l7Scenario(
  'real-ip-range-not-trusted',
  "be1's nginx reads X-Forwarded-For but trusts 100.125.0.0/16 (the shared range), not this dedicated LB's subnet",
  'lb-range-not-trusted',
  "be1 answers; its access log still shows the load balancer's address",
  () => ({ trust: '100.125.0.0/16' }),
);

export const clientIpHealthy = l7Scenario(
  'client-ip-healthy',
  "be1's nginx takes the client address from X-Forwarded-For, trusting the load balancer's subnet",
  'client-address-seen',
  "be1 answers; its access log shows the client's address",
  (ctx) => ({ trust: ctx.lab.subnet }),
);

export const clientIpFromXRealIp = l7Scenario(
  'client-ip-x-real-ip',
  "be1's nginx takes the client address from X-Real-IP (also set by the load balancer, FAQ 5.1), trusting its subnet",
  'client-address-seen',
  "be1 answers; its access log shows the client's address",
  (ctx) => ({ trust: ctx.lab.subnet, header: 'X-Real-IP' }),
);

// be1 as a stock Debian Apache: the real-IP settings are where Debian puts
// them, spread over the tree apache2.conf includes.

export const apacheRangeNotTrusted = l7Scenario(
  'real-ip-apache-range-not-trusted',
  "be1's Debian Apache enables mod_remoteip (mods-enabled/) and trusts only 100.125.0.0/16 (conf-enabled/), not this dedicated LB's subnet",
  'lb-range-not-trusted',
  "be1 answers; its access log still shows the load balancer's address",
  () => ({ trust: '100.125.0.0/16' }),
  'apache',
);

export const apacheModuleNotLoaded = l7Scenario(
  'real-ip-apache-module-not-loaded',
  "be1's Debian Apache has the mod_remoteip settings in conf-enabled/ but the module is not enabled (no a2enmod remoteip)",
  'real-ip-not-configured',
  "be1 answers; its access log shows the load balancer's address for every request",
  (ctx) => ({ trust: ctx.lab.subnet, apacheModule: 'not-enabled' }),
  'apache',
);

export const apacheClientIpHealthy = l7Scenario(
  'client-ip-apache-healthy',
  "be1's Debian Apache takes the client address from X-Forwarded-For with mod_remoteip, trusting the load balancer's subnet",
  'client-address-seen',
  "be1 answers; its access log shows the client's address",
  (ctx) => ({ trust: ctx.lab.subnet }),
  'apache',
);

// Layer 4 on kernel load balancers (define-kernel-lb.ts), so the lab does what
// the inventory says: with Transfer Client IP on they only DNAT and be1 sees the
// client; off they also MASQUERADE and be1 sees the load balancer.

export const toaMissing = defineKernelLbScenario({
  id: 'toa-missing',
  title: 'TCP listeners of shared LBs with Transfer Client IP off (fullNAT), and no TOA module on be1',
  faq: '3.9',
  playbook: 'client-ip',
  conclusion: 'l4-client-ip-lost',
  transparentClientIp: false,
  clientPorts: [40000, 40001],
});

export const transferClientIpOn = defineKernelLbScenario({
  id: 'transfer-client-ip-on',
  title: "TCP listeners of shared LBs with Transfer Client IP on: be1 sees the client's own address",
  faq: '3.9',
  playbook: 'client-ip',
  conclusion: 'l4-client-ip-kept',
  transparentClientIp: true,
  clientPorts: [40000, 40001],
});
