import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../identity/token-verifier';
import { withTempDir } from '../testing/secure-server.fixture';
import { ensureDevPki } from './dev-pki';
import { devTokenProvider } from '../grpc/bearer-token.client-middleware';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER, issueDevToken } from './dev-tokens';

const SERVICES = ['content', 'product-quality', 'merchant-access', 'consumer-experience'];

describe('the development PKI of embedded mode', () => {
  let temp: { dir: string; remove(): Promise<void> };
  beforeEach(async () => {
    temp = await withTempDir('govern-pki-');
  });
  afterEach(() => temp.remove());

  it('issues per-service certificates with the SPIFFE ID, localhost and 127.0.0.1, signed by the local CA; keys are private', async () => {
    const pki = await ensureDevPki({ dir: temp.dir, services: SERVICES, clients: ['cli'] });
    const ca = new X509Certificate(pki.ca);
    expect(ca.ca).toBe(true);
    for (const name of SERVICES) {
      const cert = new X509Certificate(await readFile(pki.identity(name).certFile));
      expect(cert.subjectAltName).toBe(`URI:spiffe://govern/${name}, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1`);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.ca).toBe(false);
      expect((await stat(pki.identity(name).keyFile)).mode & 0o077).toBe(0);
    }
    expect(new X509Certificate(pki.identity('cli').material.cert).subjectAltName).toBe('URI:spiffe://govern/cli');
    expect((await stat(`${temp.dir}/ca.key`)).mode & 0o077).toBe(0);
  });

  it('reuses what it made on later starts, and renews certificates about to expire (the CA too, with every certificate)', async () => {
    const first = await ensureDevPki({ dir: temp.dir, services: SERVICES });
    const again = await ensureDevPki({ dir: temp.dir, services: SERVICES });
    expect(again.ca.equals(first.ca)).toBe(true);
    expect(again.identity('content').material.cert.equals(first.identity('content').material.cert)).toBe(true);

    const in80Days = await ensureDevPki({ dir: temp.dir, services: SERVICES, now: () => new Date(Date.now() + 80 * 86_400_000) });
    expect(in80Days.ca.equals(first.ca)).toBe(true);
    expect(in80Days.identity('content').material.cert.equals(first.identity('content').material.cert)).toBe(false);

    const nextYear = await ensureDevPki({ dir: temp.dir, services: SERVICES, now: () => new Date(Date.now() + 340 * 86_400_000) });
    expect(nextYear.ca.equals(first.ca)).toBe(false);
    const renewed = new X509Certificate(nextYear.identity('merchant-access').material.cert);
    expect(renewed.verify(new X509Certificate(nextYear.ca).publicKey)).toBe(true);
  });

  it('four processes starting at once make one CA between them', async () => {
    const all = await Promise.all(SERVICES.map((service) => ensureDevPki({ dir: temp.dir, services: [service] })));
    const cas = new Set(all.map((pki) => pki.ca.toString('utf8')));
    expect(cas.size).toBe(1);
    for (const pki of all) {
      const [identity] = pki.identities.values();
      expect(new X509Certificate(identity?.material.cert ?? '').verify(new X509Certificate(pki.ca).publicKey)).toBe(true);
    }
  });

  it('signs dev tokens that the real verifier accepts through the published JWKS file', async () => {
    const pki = await ensureDevPki({ dir: temp.dir, services: [] });
    const verifier = createTokenVerifier({ issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, keys: { file: pki.jwksFile } });
    const token = await issueDevToken(pki.signingKeyFile, { subject: 'alice', roles: ['operator', 'finance'], ttlSeconds: 600 });
    expect(await verifier.verify(token)).toMatchObject({ kind: 'person', subject: 'alice', roles: ['operator', 'finance'] });
    const again = await ensureDevPki({ dir: temp.dir, services: [] });
    expect(await readFile(again.signingKeyFile, 'utf8')).toBe(await readFile(pki.signingKeyFile, 'utf8'));
  });

  it('a dev token provider re-signs before the token expires, and not on every call', async () => {
    const pki = await ensureDevPki({ dir: temp.dir, services: [] });
    let now = Date.now();
    const provider = devTokenProvider(pki.signingKeyFile, { subject: 'sim', ttlSeconds: 100 }, () => now);
    const first = await provider();
    expect(await provider()).toBe(first);
    now += 79_000;
    expect(await provider()).toBe(first);
    now += 2_000;
    const renewed = await provider();
    expect(renewed).not.toBe(first);
    const verifier = createTokenVerifier({ issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, keys: { file: pki.jwksFile }, now: () => new Date(now + 90_000) });
    await expect(verifier.verify(renewed)).resolves.toMatchObject({ subject: 'sim' });
    await expect(verifier.verify(first)).rejects.toMatchObject({ reason: 'AUTH.TOKEN_EXPIRED' });
  });
});
