// An HTTPS listener's TLS side: the default certificate, SNI certificates
// chosen per ClientHello, the security policy, and certificate replacement
// that leaves established connections alone (FAQ 7.3: the old certificate
// stays on existing connections, new connections get the new one).
import tls from 'node:tls';
import type { ListenerTls } from '../http/listener.js';
import type { LoadedCertificate } from './certificates.js';
import { secureOptionsFor, type TlsPolicy } from './policies.js';
import { type SniMatchAlgo, selectSniCertificate } from './sni.js';

export interface ManagedListenerTls extends ListenerTls {
  /** Replaces the default certificate (or the SNI certificate with the same id) for new connections. */
  replace(cert: LoadedCertificate): void;
  current(): { defaultId: string; sniIds: string[]; policy: string };
}

export function createListenerTls(opts: {
  defaultCert: LoadedCertificate;
  sniCerts: readonly LoadedCertificate[];
  algo: SniMatchAlgo;
  policy: TlsPolicy;
  /** CA bundle: when set, clients must present a certificate it signed (mutual TLS). */
  clientCa?: string;
}): ManagedListenerTls {
  const policyOptions = { ...secureOptionsFor(opts.policy), ...(opts.clientCa ? { ca: opts.clientCa } : {}) };
  const contextFor = (c: LoadedCertificate) =>
    tls.createSecureContext({ cert: c.cert, key: c.key, ...policyOptions, honorCipherOrder: true });
  let defaultCert = opts.defaultCert;
  let defaultContext = contextFor(defaultCert);
  const sni = opts.sniCerts.map((c) => ({ cert: c, id: c.id, domains: c.domains, context: contextFor(c) }));
  const byFingerprint = new Map<string, string>();
  const remember = (c: LoadedCertificate) => byFingerprint.set(c.fingerprint256, c.id);
  remember(defaultCert);
  for (const s of sni) remember(s.cert);
  let server: tls.Server | null = null;

  return {
    serverOptions: {
      cert: defaultCert.cert,
      key: defaultCert.key,
      ...policyOptions,
      honorCipherOrder: true,
      ...(opts.clientCa ? { requestCert: true, rejectUnauthorized: true } : {}),
      SNICallback(servername, cb) {
        const hit = selectSniCertificate(servername, sni, opts.algo);
        cb(null, hit ? hit.context : defaultContext);
      },
    },
    install(s) {
      server = s;
    },
    certificateIdFor(socket) {
      const fp = socket.getX509Certificate()?.fingerprint256;
      return fp ? (byFingerprint.get(fp) ?? null) : null;
    },
    replace(cert) {
      remember(cert);
      const slot = sni.find((s) => s.id === cert.id);
      if (slot) {
        slot.cert = cert;
        slot.domains = cert.domains;
        slot.context = contextFor(cert);
        return;
      }
      defaultCert = cert;
      defaultContext = contextFor(cert);
      // Clients that send no SNI get the server's own context.
      server?.setSecureContext({ cert: cert.cert, key: cert.key, ...policyOptions, honorCipherOrder: true });
    },
    current() {
      return { defaultId: defaultCert.id, sniIds: sni.map((s) => s.id), policy: opts.policy.name };
    },
  };
}
