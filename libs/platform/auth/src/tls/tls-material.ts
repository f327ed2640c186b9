import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '@govern/platform-core';

/**
 * TLS settings of a service, as environment-style strings. Each of TLS_CERT, TLS_KEY and
 * TLS_CA is either PEM text (begins with `-----BEGIN`) or the path of a PEM file, so the
 * same settings work with mounted secrets (paths) and with secrets injected as env (PEM).
 * Spread into an app's schema: `serviceSettings(50051).extend({ ...transportSecuritySettings })`.
 */
export const transportSecuritySettings = {
  /** This service's certificate chain (leaf first): PEM or a file path. */
  TLS_CERT: z.string().min(1).optional(),
  /** The private key of TLS_CERT: PEM or a file path. */
  TLS_KEY: z.string().min(1).optional(),
  /** The CA(s) client and peer certificates must chain to: PEM or a file path. */
  TLS_CA: z.string().min(1).optional(),
  /**
   * `optional` (default): a client certificate is requested and, when presented, must chain to
   * TLS_CA; people and external systems without one authenticate with a bearer token over
   * server-side TLS. `required`: the handshake fails without a valid client certificate (a
   * mesh where every caller, gateways included, has one).
   */
  TLS_CLIENT_AUTH: z.enum(['optional', 'required']).default('optional'),
  /** Development only: serve plaintext gRPC when no TLS material is given. Logged loudly at start. */
  ALLOW_INSECURE_PLAINTEXT: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
};

export type TransportSecuritySettings = z.infer<z.ZodObject<typeof transportSecuritySettings>>;

/** PEM material a server or client presents and trusts. */
export interface TlsMaterial {
  /** Certificate chain, leaf first. */
  cert: Buffer;
  key: Buffer;
  /** Trusted CA certificate(s). */
  ca: Buffer;
}

export type TransportSecurity =
  | { mode: 'tls'; material: TlsMaterial; clientAuth: 'optional' | 'required'; identity: CertificateSummary }
  | { mode: 'plaintext' };

export interface CertificateSummary {
  subject: string;
  /** Subject alternative names as Node prints them (`URI:spiffe://govern/content, DNS:localhost`). */
  subjectAltName: string;
  validTo: Date;
}

const PEM_START = '-----BEGIN';

/** A setting's value as PEM: the value itself when it is PEM, else the contents of the file it names. */
export const readPemSetting = (name: string, value: string, readFile: (path: string) => Buffer = readFileSync): Buffer => {
  const trimmed = value.trim();
  if (trimmed.startsWith(PEM_START)) return Buffer.from(`${trimmed.replaceAll('\\n', '\n')}\n`);
  let contents: Buffer;
  try {
    contents = readFile(trimmed);
  } catch (error) {
    throw new ConfigError([`${name}: neither PEM nor a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}: ${trimmed})`]);
  }
  if (!contents.toString('utf8').includes(PEM_START)) throw new ConfigError([`${name}: file ${trimmed} holds no PEM block`]);
  return contents;
};

const certificatesIn = (pem: Buffer): X509Certificate[] => {
  const blocks = pem.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
};

/**
 * Reads and checks the TLS settings once, at start: all three given (or none, with the
 * plaintext setting on), certificates that parse, a key that matches the certificate, a
 * certificate that is currently valid and chains to TLS_CA. Every problem names its setting.
 */
export const loadTransportSecurity = (
  settings: TransportSecuritySettings,
  options: { readFile?: (path: string) => Buffer; now?: Date } = {},
): TransportSecurity => {
  const given = (['TLS_CERT', 'TLS_KEY', 'TLS_CA'] as const).filter((name) => settings[name] !== undefined);
  if (given.length === 0) {
    if (settings.ALLOW_INSECURE_PLAINTEXT) return { mode: 'plaintext' };
    throw new ConfigError(['TLS_CERT, TLS_KEY, TLS_CA: required (set ALLOW_INSECURE_PLAINTEXT=true to serve plaintext in development)']);
  }
  if (given.length < 3) {
    const missing = (['TLS_CERT', 'TLS_KEY', 'TLS_CA'] as const).filter((name) => settings[name] === undefined);
    throw new ConfigError(missing.map((name) => `${name}: required when ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set`));
  }
  const material: TlsMaterial = {
    cert: readPemSetting('TLS_CERT', settings.TLS_CERT as string, options.readFile),
    key: readPemSetting('TLS_KEY', settings.TLS_KEY as string, options.readFile),
    ca: readPemSetting('TLS_CA', settings.TLS_CA as string, options.readFile),
  };
  return { mode: 'tls', material, clientAuth: settings.TLS_CLIENT_AUTH, identity: checkTlsMaterial(material, options.now ?? new Date()) };
};

/** Validates a certificate/key/CA triple; throws ConfigError naming the settings at fault. */
export const checkTlsMaterial = (material: TlsMaterial, now: Date = new Date()): CertificateSummary => {
  const problems: string[] = [];
  let leaf: X509Certificate | undefined;
  let cas: X509Certificate[] = [];
  try {
    [leaf] = certificatesIn(material.cert);
    if (!leaf) problems.push('TLS_CERT: no CERTIFICATE block');
  } catch (error) {
    problems.push(`TLS_CERT: not a valid certificate (${(error as Error).message})`);
  }
  try {
    cas = certificatesIn(material.ca);
    if (cas.length === 0) problems.push('TLS_CA: no CERTIFICATE block');
  } catch (error) {
    problems.push(`TLS_CA: not a valid certificate (${(error as Error).message})`);
  }
  let key: ReturnType<typeof createPrivateKey> | undefined;
  try {
    key = createPrivateKey(material.key);
  } catch (error) {
    problems.push(`TLS_KEY: not a valid private key (${(error as Error).message})`);
  }
  if (leaf && key && !leaf.checkPrivateKey(key)) problems.push('TLS_KEY: does not match the public key of TLS_CERT');
  if (leaf) {
    if (new Date(leaf.validTo).getTime() <= now.getTime()) problems.push(`TLS_CERT: expired on ${new Date(leaf.validTo).toISOString()}`);
    if (new Date(leaf.validFrom).getTime() > now.getTime()) problems.push(`TLS_CERT: not valid before ${new Date(leaf.validFrom).toISOString()}`);
    // The chain may carry intermediates; the leaf must be issued by one of them or by a CA in TLS_CA.
    const issuers = [...cas, ...certificatesIn(material.cert).slice(1)];
    if (cas.length > 0 && !issuers.some((ca) => leaf?.checkIssued(ca) && leaf.verify(ca.publicKey))) {
      problems.push('TLS_CERT: not issued by a certificate in TLS_CA (or the chain in TLS_CERT)');
    }
  }
  if (problems.length > 0 || !leaf) throw new ConfigError(problems);
  return { subject: leaf.subject, subjectAltName: leaf.subjectAltName ?? '', validTo: new Date(leaf.validTo) };
};
