import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@govern/platform-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DevPki } from '../dev/dev-pki';
import { makePki, withTempDir } from '../testing/secure-server.fixture';
import { loadTransportSecurity, transportSecuritySettings } from './tls-material';

const settings = (env: Record<string, string | undefined>) => z.object(transportSecuritySettings).parse(env);
const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('TLS settings', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let pki: DevPki;
  let other: DevPki;
  beforeAll(async () => {
    temp = await withTempDir('govern-tls-');
    [pki, other] = await Promise.all([makePki(join(temp.dir, 'a')), makePki(join(temp.dir, 'b'))]);
  });
  afterAll(() => temp?.remove());

  it('refuses to start without TLS material unless plaintext is explicitly allowed', () => {
    expect(problemsOf(() => loadTransportSecurity(settings({})))).toEqual([expect.stringMatching(/^TLS_CERT, TLS_KEY, TLS_CA: required \(set ALLOW_INSECURE_PLAINTEXT=true/)]);
    expect(loadTransportSecurity(settings({ ALLOW_INSECURE_PLAINTEXT: 'true' }))).toEqual({ mode: 'plaintext' });
  });

  it('names the missing settings when only some are given', () => {
    const id = pki.identity('merchant-access');
    expect(problemsOf(() => loadTransportSecurity(settings({ TLS_CERT: id.certFile })))).toEqual([
      'TLS_KEY: required when TLS_CERT is set',
      'TLS_CA: required when TLS_CERT is set',
    ]);
  });

  it('takes file paths or PEM (also with escaped newlines, as env files hold it)', async () => {
    const id = pki.identity('merchant-access');
    const fromFiles = loadTransportSecurity(settings({ TLS_CERT: id.certFile, TLS_KEY: id.keyFile, TLS_CA: pki.caFile }));
    const pem = (await readFile(id.certFile, 'utf8')).trim().replaceAll('\n', '\\n');
    const fromPem = loadTransportSecurity(settings({ TLS_CERT: pem, TLS_KEY: (await readFile(id.keyFile, 'utf8')).trim(), TLS_CA: pki.ca.toString('utf8'), TLS_CLIENT_AUTH: 'required' }));
    expect(fromFiles).toMatchObject({ mode: 'tls', clientAuth: 'optional', identity: { subjectAltName: expect.stringContaining('URI:spiffe://govern/merchant-access') } });
    expect(fromPem).toMatchObject({ mode: 'tls', clientAuth: 'required' });
    if (fromPem.mode === 'tls') expect(new X509Certificate(fromPem.material.cert).subject).toContain('merchant-access');
  });

  it('refuses a key that is not the certificate’s, a certificate from another CA, an unreadable path and an expired certificate', () => {
    const id = pki.identity('merchant-access');
    expect(problemsOf(() => loadTransportSecurity(settings({ TLS_CERT: id.certFile, TLS_KEY: pki.identity('content').keyFile, TLS_CA: pki.caFile })))).toEqual([
      'TLS_KEY: does not match the public key of TLS_CERT',
    ]);
    expect(problemsOf(() => loadTransportSecurity(settings({ TLS_CERT: id.certFile, TLS_KEY: id.keyFile, TLS_CA: other.caFile })))).toEqual([
      'TLS_CERT: not issued by a certificate in TLS_CA (or the chain in TLS_CERT)',
    ]);
    expect(problemsOf(() => loadTransportSecurity(settings({ TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: id.keyFile, TLS_CA: pki.caFile })))).toEqual([
      expect.stringMatching(/^TLS_CERT: neither PEM nor a readable file \(ENOENT/),
    ]);
    const later = new Date(Date.now() + 400 * 86_400_000);
    expect(problemsOf(() => loadTransportSecurity(settings({ TLS_CERT: id.certFile, TLS_KEY: id.keyFile, TLS_CA: pki.caFile }), { now: later }))).toEqual([
      expect.stringMatching(/^TLS_CERT: expired on /),
    ]);
  });
});
