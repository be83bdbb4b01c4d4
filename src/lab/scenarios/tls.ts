// FAQ 1.12, 5.8 and 7.1–7.3: TLS failures a client meets on an HTTPS
// listener of the reference load balancer, one per scenario, from the TLS
// fixture set (src/lab/tls-fixtures.ts). A client that trusts the lab's
// private root sees exactly one problem; the scenario hands `lbdoctor run`
// that root as `--input ca=…` (runArgs), as `lbdoctor lab up` prints it.
import { makeTlsFixtures, TLS_LAB_DEEP_HOST, TLS_LAB_HOST, type TlsFixtureName } from '../tls-fixtures.js';
import {
  type BuildContext,
  defineScenario,
  httpsListener,
  type ScenarioBuild,
  type ScenarioDefinition,
  webPool,
} from './define.js';
import type { Scenario } from './types.js';

export { TLS_LAB_HOST } from '../tls-fixtures.js';

interface HttpsLayout {
  /** The fixture the listener presents by default. */
  fixture: TlsFixtureName;
  /** The name clients ask for, as a HOST_NAME forwarding rule (else the certificate's domain). */
  clientsAsk?: string;
  /** An SNI certificate, matched with sni_match_algo. */
  sni?: { fixture: TlsFixtureName; domain: string; algo: 'wildcard' | 'longest_suffix' };
  /** The listener's TLS security policy (tls_ciphers_policy). */
  policy?: string;
  /** What the scenario's client printed, given to `lbdoctor run` as --input client_error. */
  clientError?: string;
}

async function httpsScenario(ctx: BuildContext, layout: HttpsLayout): Promise<ScenarioBuild> {
  const app = await ctx.http({ name: 'app1', healthPath: '/health' });
  const set = await makeTlsFixtures(ctx.workDir);
  const cert = set.get(layout.fixture);
  return {
    inventory: {
      listeners: [
        {
          ...(await httpsListener(ctx)),
          ...(layout.sni ? { sni_container_refs: ['sni-cert'], sni_match_algo: layout.sni.algo } : {}),
        },
      ],
      pools: [webPool([ctx.member(app)])],
      ...(layout.clientsAsk
        ? {
            l7policies: [
              {
                listener: 'https',
                redirect_pool_id: 'web-pool',
                rules: [{ type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: layout.clientsAsk }],
              },
            ],
          }
        : {}),
      certificates: [
        {
          id: 'listener-cert',
          type: 'server',
          certificate: cert.certPath,
          private_key: cert.keyPath,
          ...(layout.clientsAsk ? {} : { domain: TLS_LAB_HOST }),
        },
        ...(layout.sni
          ? [
              {
                id: 'sni-cert',
                type: 'server' as const,
                certificate: set.get(layout.sni.fixture).certPath,
                private_key: set.get(layout.sni.fixture).keyPath,
                domain: layout.sni.domain,
              },
            ]
          : []),
        // The root the lab's clients trust (type client: a CA certificate, no key).
        { id: 'lab-ca', type: 'client', certificate: set.root.certPath },
      ],
    },
    settle: { 'web-pool': 'healthy' },
  };
}

/** A TLS scenario: its runs trust the lab root (`--input ca=` the lab-ca certificate's file). */
function tlsScenario(
  def: Omit<ScenarioDefinition, 'build' | 'playbook' | 'symptom'> & { layout: HttpsLayout; expect: string },
): Scenario {
  const { layout, expect, ...meta } = def;
  const scenario = defineScenario({
    ...meta,
    playbook: 'tls-handshake',
    symptom: { listener: 'https', path: '/', host: layout.clientsAsk ?? TLS_LAB_HOST, expect },
    build: (ctx) => httpsScenario(ctx, layout),
  });
  return {
    ...scenario,
    start: async (options) => {
      const running = await scenario.start(options);
      const ca = running.inventory.certificates.find((c) => c.id === 'lab-ca')?.certificate;
      const clientError = layout.clientError ? ['--input', `client_error=${layout.clientError}`] : [];
      return {
        ...running,
        runArgs: [...(running.runArgs ?? []), ...(ca ? ['--input', `ca=${ca}`] : []), ...clientError],
      };
    },
  };
}

export const tlsExpiredCertificate = tlsScenario({
  id: 'tls-expired-certificate',
  title: `the HTTPS listener's certificate for ${TLS_LAB_HOST} expired yesterday`,
  faq: '1.12, 7.2',
  conclusion: 'certificate-expired',
  layout: { fixture: 'expired' },
  expect:
    'a client trusting the lab CA (certificate "lab-ca") rejects the handshake: certificate has expired',
});

export const tlsHostnameMismatch = tlsScenario({
  id: 'tls-hostname-mismatch',
  title: `the HTTPS listener presents a certificate for api.lab.example to clients asking for ${TLS_LAB_HOST}`,
  faq: '1.12, 5.8',
  conclusion: 'hostname-mismatch',
  layout: { fixture: 'wrong-host', clientsAsk: TLS_LAB_HOST },
  expect:
    "a client trusting the lab CA rejects the handshake: the certificate's names do not include the host",
});

export const tlsNotYetValid = tlsScenario({
  id: 'tls-not-yet-valid',
  title: "the HTTPS listener's certificate becomes valid only tomorrow",
  faq: '1.12, 7.2',
  conclusion: 'certificate-not-yet-valid',
  layout: { fixture: 'not-yet-valid' },
  expect: 'clients reject the handshake: certificate is not yet valid',
});

export const tlsSelfSigned = tlsScenario({
  id: 'tls-self-signed',
  title: 'the HTTPS listener presents a self-signed certificate',
  faq: '1.12, 5.8',
  conclusion: 'self-signed',
  layout: { fixture: 'self-signed' },
  expect: 'clients reject the handshake: self-signed certificate',
});

export const tlsIncompleteChain = tlsScenario({
  id: 'tls-incomplete-chain',
  title: 'the HTTPS listener sends its certificate without the intermediate CA',
  faq: '1.12, 7.2, 7.4',
  conclusion: 'incomplete-chain',
  layout: { fixture: 'incomplete-chain' },
  expect:
    'clients reject the handshake: unable to get local issuer certificate (Java: PKIX path building failed)',
});

export const tlsWrongChainOrder = tlsScenario({
  id: 'tls-wrong-chain-order',
  title: 'the HTTPS listener sends its chain out of order (root before the intermediate)',
  faq: '7.2, 7.4',
  conclusion: 'wrong-chain-order',
  layout: { fixture: 'reversed-chain' },
  expect: 'lenient clients connect; strict ones reject the misordered chain',
});

export const tlsWildcardLevel = tlsScenario({
  id: 'tls-wildcard-level',
  title: `clients ask for ${TLS_LAB_DEEP_HOST}, one label deeper than the listener's *.lab.example certificate`,
  faq: '5.8, 7.1',
  conclusion: 'wildcard-level',
  layout: { fixture: 'wildcard', clientsAsk: TLS_LAB_DEEP_HOST },
  expect: 'clients reject the handshake: *.lab.example does not cover a name two labels down',
});

export const tlsSniNoMatch = tlsScenario({
  id: 'tls-sni-no-match',
  title: `the SNI certificate *.lab.example does not match ${TLS_LAB_DEEP_HOST} under wildcard matching, so the default certificate (api.lab.example) answers`,
  faq: '5.8, 7.1',
  conclusion: 'sni-no-match',
  layout: {
    fixture: 'wrong-host',
    clientsAsk: TLS_LAB_DEEP_HOST,
    sni: { fixture: 'wildcard', domain: '*.lab.example', algo: 'wildcard' },
  },
  expect: 'clients get the default certificate for api.lab.example and reject it',
});

export const tlsOldClient = tlsScenario({
  id: 'tls-old-client',
  title:
    'a Java 7 client offering only TLS 1.0 meets a listener whose policy (tls-1-2) accepts TLS 1.2 alone',
  faq: '1.12',
  conclusion: 'client-protocol-mismatch',
  layout: {
    fixture: 'good',
    policy: 'tls-1-2',
    clientError:
      'javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is disabled or cipher suites are inappropriate)',
  },
  expect: 'modern clients connect; the old client fails with "No appropriate protocol"',
});

export const tlsHealthy = tlsScenario({
  id: 'tls-healthy',
  title: `the HTTPS listener presents a trusted, complete chain for ${TLS_LAB_HOST}`,
  faq: '1.12',
  conclusion: 'tls-healthy',
  layout: { fixture: 'good' },
  expect: '200 over a verified TLS connection',
});
