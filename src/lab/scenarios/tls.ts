// FAQ 1.12 and 7.1–7.3: TLS failures a client meets on an HTTPS listener.
// Certificates come from a private lab CA written next to the scenario's
// other files (`ca.crt`), so a client that trusts it sees exactly one
// problem: an expired certificate, or one for another host name.
import { makeCertificates } from '../certificates.js';
import { type BuildContext, defineScenario, quickHttpCheck, type ScenarioBuild } from './define.js';

/** The host name clients ask for (SNI and Host). */
export const TLS_LAB_HOST = 'www.lab.example';

async function httpsScenario(
  ctx: BuildContext,
  leaf: { dnsNames: string[]; expired?: boolean },
): Promise<ScenarioBuild> {
  const app = await ctx.http({ name: 'app1', healthPath: '/health' });
  const made = await makeCertificates(ctx.workDir, [
    { name: 'listener', sans: leaf.dnsNames, keyType: 'ec', ...(leaf.expired ? { expired: true } : {}) },
  ]);
  const cert = made.get('listener');
  return {
    inventory: {
      listeners: [
        {
          name: 'https',
          protocol: 'HTTPS',
          protocol_port: await ctx.freeTcpPort(),
          default_pool_id: 'web-pool',
          default_tls_container_ref: 'listener-cert',
        },
      ],
      pools: [
        { id: 'web-pool', protocol: 'HTTP', healthmonitor: quickHttpCheck, members: [ctx.member(app)] },
      ],
      certificates: [
        { id: 'listener-cert', type: 'server', certificate: cert.certPath, private_key: cert.keyPath },
        { id: 'lab-ca', type: 'client', certificate: made.ca.certPath },
      ],
    },
    settle: { 'web-pool': 'healthy' },
  };
}

export const tlsExpiredCertificate = defineScenario({
  id: 'tls-expired-certificate',
  title: `the HTTPS listener's certificate for ${TLS_LAB_HOST} expired yesterday`,
  faq: '1.12, 7.2',
  playbook: 'tls-handshake',
  conclusion: 'certificate-expired',
  symptom: {
    listener: 'https',
    path: '/',
    host: TLS_LAB_HOST,
    expect:
      'a client trusting the lab CA (certificate "lab-ca") rejects the handshake: certificate has expired',
  },
  build: (ctx) => httpsScenario(ctx, { dnsNames: [TLS_LAB_HOST], expired: true }),
});

export const tlsHostnameMismatch = defineScenario({
  id: 'tls-hostname-mismatch',
  title: `the HTTPS listener presents a certificate for api.lab.example to clients asking for ${TLS_LAB_HOST}`,
  faq: '1.12, 7.1',
  playbook: 'tls-handshake',
  conclusion: 'hostname-mismatch',
  symptom: {
    listener: 'https',
    path: '/',
    host: TLS_LAB_HOST,
    expect:
      "a client trusting the lab CA rejects the handshake: the certificate's names do not include the host",
  },
  build: (ctx) => httpsScenario(ctx, { dnsNames: ['api.lab.example'] }),
});
