import 'reflect-metadata';
import { webcrypto, X509Certificate as NodeCertificate, KeyObject, createPrivateKey, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { DEFAULT_TRUST_DOMAIN, spiffeIdOf } from '../identity/spiffe';
import type { TlsMaterial } from '../tls/tls-material';
import { readIfExists, withDirectoryLock, writeFileAtomic } from './file-store';
import { DEV_TOKEN_ISSUER, ensureDevSigningKey } from './dev-tokens';

/**
 * The development PKI of embedded mode (`npm start`): a local CA, one certificate per
 * service (URI SAN `spiffe://govern/<service>`, DNS SAN localhost, IP SAN 127.0.0.1 and ::1,
 * usable as server and client certificate) and client certificates for tools (the CLI),
 * plus the dev token-signing key and its JWKS. Made on first start, reused later, renewed
 * when expiring. Built with @peculiar/x509 on Node's WebCrypto (ECDSA P-256), not by hand.
 *
 * Layout of `dir` (e.g. tmp/embedded/pki):
 *   ca.crt  ca.key               the development CA (trust ca.crt to talk to the services)
 *   <name>.crt  <name>.key       one per service and client
 *   token-signing-key.json       private JWK that signs dev tokens
 *   jwks.json                    its public JWKS (JWT_JWKS_FILE of the services)
 */
export interface DevPkiOptions {
  dir: string;
  /** Services: server + client certificates. */
  services: readonly string[];
  /** Tools that call the services (e.g. `cli`): client certificates. */
  clients?: readonly string[];
  trustDomain?: string;
  now?: () => Date;
  /** Told what was created or renewed (embedded mode prints it once). */
  onChange?: (message: string) => void;
}

export interface IssuedIdentity {
  name: string;
  spiffeId: string;
  certFile: string;
  keyFile: string;
  material: TlsMaterial;
}

export interface DevPki {
  dir: string;
  caFile: string;
  ca: Buffer;
  identities: ReadonlyMap<string, IssuedIdentity>;
  /** The identity issued to `name`; throws for a name that was not asked for. */
  identity(name: string): IssuedIdentity;
  jwksFile: string;
  signingKeyFile: string;
}

/** A service process's settings for serving with its dev identity and accepting dev tokens (TLS_*, JWT_*). */
export const devServiceSecuritySettings = (pki: DevPki, service: string) => ({
  TLS_CERT: pki.identity(service).certFile,
  TLS_KEY: pki.identity(service).keyFile,
  TLS_CA: pki.caFile,
  JWT_ISSUER: DEV_TOKEN_ISSUER,
  JWT_JWKS_FILE: pki.jwksFile,
});

const DAY_MS = 86_400_000;
const CA_LIFETIME_DAYS = 365;
const LEAF_LIFETIME_DAYS = 90;
/** Renewed this long before expiry, so a running platform never meets an expired certificate. */
const CA_RENEW_BEFORE_DAYS = 30;
const LEAF_RENEW_BEFORE_DAYS = 14;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
type X509Crypto = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1];
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto as unknown as X509Crypto & typeof webcrypto;

const serialNumber = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  return bytes.toString('hex');
};

const generateKeys = (): Promise<CryptoKeyPair> => crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

const privateKeyPem = (key: CryptoKey): string => KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();

const importPrivateKey = async (pem: Buffer): Promise<CryptoKey> => {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
};

const expiresWithin = (cert: NodeCertificate, now: Date, days: number): boolean => new Date(cert.validTo).getTime() - now.getTime() < days * DAY_MS;

interface Ca {
  cert: NodeCertificate;
  pem: Buffer;
  signingKey: CryptoKey;
}

const createCa = async (now: Date): Promise<{ certPem: string; keyPem: string }> => {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: `CN=Govern development CA ${now.toISOString().slice(0, 10)}, O=Govern (development only)`,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + CA_LIFETIME_DAYS * DAY_MS),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: privateKeyPem(keys.privateKey) };
};

const issueLeaf = async (ca: Ca, spiffeId: string, name: string, now: Date, server: boolean): Promise<{ certPem: string; keyPem: string }> => {
  const keys = await generateKeys();
  const caCert = new x509.X509Certificate(ca.cert.raw);
  const sans: { type: 'url' | 'dns' | 'ip'; value: string }[] = [{ type: 'url', value: spiffeId }];
  if (server) sans.push({ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' });
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: `CN=${name}, O=Govern (development only)`,
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(Math.min(now.getTime() + LEAF_LIFETIME_DAYS * DAY_MS, new Date(ca.cert.validTo).getTime())),
      publicKey: keys.publicKey,
      signingKey: ca.signingKey,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension(server ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] : [x509.ExtendedKeyUsage.clientAuth], false),
        // SPIFFE X.509-SVID: the URI SAN is the identity; the DNS/IP SANs let clients verify the server by address.
        new x509.SubjectAlternativeNameExtension(sans, false),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: privateKeyPem(keys.privateKey) };
};

/** A leaf is reused only if the current CA signed it, it names the wanted SPIFFE ID and it is not near expiry. */
const usableLeaf = (pem: Buffer | undefined, key: Buffer | undefined, ca: Ca, spiffeId: string, now: Date): boolean => {
  if (!pem || !key) return false;
  try {
    const cert = new NodeCertificate(pem);
    return (
      cert.checkIssued(ca.cert) &&
      cert.verify(ca.cert.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(key)) &&
      (cert.subjectAltName ?? '').split(', ').includes(`URI:${spiffeId}`) &&
      !expiresWithin(cert, now, LEAF_RENEW_BEFORE_DAYS)
    );
  } catch {
    return false;
  }
};

const loadOrCreateCa = async (dir: string, now: Date, onChange: (message: string) => void): Promise<Ca> => {
  const certFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  const [pem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (pem && keyPem) {
    try {
      const cert = new NodeCertificate(pem);
      if (cert.ca && cert.checkPrivateKey(createPrivateKey(keyPem)) && !expiresWithin(cert, now, CA_RENEW_BEFORE_DAYS)) {
        return { cert, pem, signingKey: await importPrivateKey(keyPem) };
      }
    } catch {
      // unreadable: replaced below
    }
  }
  const created = await createCa(now);
  await writeFileAtomic(keyFile, created.keyPem, 0o600);
  await writeFileAtomic(certFile, created.certPem);
  onChange(`${pem ? 'renewed' : 'created'} the development CA in ${certFile}`);
  return { cert: new NodeCertificate(created.certPem), pem: Buffer.from(created.certPem), signingKey: await importPrivateKey(Buffer.from(created.keyPem)) };
};

export const ensureDevPki = (options: DevPkiOptions): Promise<DevPki> =>
  withDirectoryLock(options.dir, async () => {
    const { dir } = options;
    const now = options.now?.() ?? new Date();
    const trustDomain = options.trustDomain ?? DEFAULT_TRUST_DOMAIN;
    const onChange = options.onChange ?? (() => undefined);
    const ca = await loadOrCreateCa(dir, now, onChange);
    const identities = new Map<string, IssuedIdentity>();
    const wanted = [...options.services.map((name) => ({ name, server: true })), ...(options.clients ?? []).map((name) => ({ name, server: false }))];
    for (const { name, server } of wanted) {
      const spiffeId = spiffeIdOf(name, trustDomain);
      const certFile = join(dir, `${name}.crt`);
      const keyFile = join(dir, `${name}.key`);
      let [cert, key] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
      if (!usableLeaf(cert, key, ca, spiffeId, now)) {
        const issued = await issueLeaf(ca, spiffeId, name, now, server);
        await writeFileAtomic(keyFile, issued.keyPem, 0o600);
        await writeFileAtomic(certFile, issued.certPem);
        [cert, key] = [Buffer.from(issued.certPem), Buffer.from(issued.keyPem)];
        onChange(`issued ${certFile} (${spiffeId})`);
      }
      identities.set(name, { name, spiffeId, certFile, keyFile, material: { cert: cert as Buffer, key: key as Buffer, ca: ca.pem } });
    }
    const signing = await ensureDevSigningKey(dir, onChange);
    return {
      dir,
      caFile: join(dir, 'ca.crt'),
      ca: ca.pem,
      identities,
      identity(name) {
        const found = identities.get(name);
        if (!found) throw new Error(`the development PKI issued no certificate to "${name}"`);
        return found;
      },
      jwksFile: signing.jwksFile,
      signingKeyFile: signing.keyFile,
    };
  });
