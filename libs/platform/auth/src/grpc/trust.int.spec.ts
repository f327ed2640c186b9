import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MerchantAccessServiceDefinition, merchantAccessPolicy } from '@govern/contracts-merchant-access';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Metadata, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../authorization/rate-limiter';
import type { DevPki } from '../dev/dev-pki';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER, issueDevToken } from '../dev/dev-tokens';
import { PEER_METADATA_KEY } from '../identity/peer-identity';
import { MerchantAccessServiceDefinition as Definition } from '@govern/contracts-merchant-access';
import { createChannel, createClientFactory } from 'nice-grpc';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import { bearer, bearerTokenClientMiddleware, devTokenProvider } from './bearer-token.client-middleware';
import { channelOptionsFor, createChannelCredentials } from '../tls/grpc-credentials';
import { connect, makePki, outcomeOf, startSecureServer, tlsTransport, withTempDir, type SecureTestServer } from '../testing/secure-server.fixture';

const UNIMPLEMENTED_STANDING = { merchantId: 'm-1' };

describe('trust over real gRPC (TLS, client certificates, tokens, per-RPC rules)', () => {
  let temp: { dir: string; remove(): Promise<void> };
  let pki: DevPki;
  let foreign: DevPki;
  let server: SecureTestServer;
  const token = (request: Parameters<typeof issueDevToken>[1]) => issueDevToken(pki.signingKeyFile, request);

  beforeAll(async () => {
    temp = await withTempDir('govern-trust-');
    [pki, foreign] = await Promise.all([makePki(join(temp.dir, 'pki')), makePki(join(temp.dir, 'foreign-ca'))]);
    server = await startSecureServer({ pki });
  });
  afterAll(async () => {
    await server?.close();
    await temp?.remove();
  });

  it('a plaintext client cannot talk to the TLS server', async () => {
    const { health, channel } = connect(server.address, { mode: 'plaintext' });
    const outcome = await outcomeOf(health.check({}, { signal: AbortSignal.timeout(3_000) }));
    channel.close();
    expect(outcome.code).toBe(Status.UNAVAILABLE);
  });

  it('health stays open to a caller without credentials; everything else answers UNAUTHENTICATED with ErrorInfo', async () => {
    const { health, merchantAccess, channel } = connect(server.address, tlsTransport(pki));
    expect((await health.check({})).status).toBe(1);
    const outcome = await outcomeOf(merchantAccess.getMerchantStanding(UNIMPLEMENTED_STANDING));
    channel.close();
    expect(outcome).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'AUTH.MISSING_CREDENTIALS' });
    expect(outcome.metadata?.['permission']).toBe('govern.merchant_access.v1.MerchantAccessService/GetMerchantStanding');
  });

  it('a platform service is known by its client certificate and may call the decision RPCs its rule names', async () => {
    const { merchantAccess, channel } = connect(server.address, tlsTransport(pki, 'traffic'));
    const before = server.callers.length;
    await merchantAccess.getMerchantStanding(UNIMPLEMENTED_STANDING);
    const denied = await outcomeOf(merchantAccess.recordViolation({ merchantId: 'm-1' }));
    channel.close();
    expect(server.callers.slice(before)).toEqual([{ kind: 'service', subject: 'spiffe://govern/traffic', service: 'traffic', roles: [] }]);
    expect(denied).toMatchObject({ code: Status.PERMISSION_DENIED, reason: 'AUTH.PERMISSION_DENIED', metadata: { required_roles: 'operator' } });
  });

  it('a client certificate from another CA proves nothing: the call is UNAUTHENTICATED (optional mode) or the handshake fails (required mode)', async () => {
    const optional = connect(server.address, tlsTransport(foreign, 'traffic', pki.ca));
    const refused = await outcomeOf(optional.merchantAccess.getMerchantStanding(UNIMPLEMENTED_STANDING));
    optional.channel.close();
    expect(refused).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'AUTH.MISSING_CREDENTIALS' });

    const strict = await startSecureServer({ pki, clientAuth: 'required' });
    try {
      const other = connect(strict.address, tlsTransport(foreign, 'traffic', pki.ca));
      const outcome = await outcomeOf(other.health.check({}, { signal: AbortSignal.timeout(3_000) }));
      other.channel.close();
      expect(outcome.code).toBe(Status.UNAVAILABLE);
      const own = connect(strict.address, tlsTransport(pki, 'traffic'));
      await own.merchantAccess.getMerchantStanding(UNIMPLEMENTED_STANDING);
      const noCert = connect(strict.address, tlsTransport(pki));
      const withoutCert = await outcomeOf(noCert.health.check({}, { signal: AbortSignal.timeout(3_000) }));
      own.channel.close();
      noCert.channel.close();
      expect(withoutCert.code).toBe(Status.UNAVAILABLE);
    } finally {
      await strict.close();
    }
  });

  it('a person with the operator role may record a violation; without it every mutation is PERMISSION_DENIED naming the permission', async () => {
    const operator = connect(server.address, tlsTransport(pki), await token({ subject: 'alice', roles: ['operator'] }));
    const before = server.callers.length;
    await operator.merchantAccess.recordViolation({ merchantId: 'm-1' });
    expect(server.callers.slice(before)).toEqual([expect.objectContaining({ kind: 'person', subject: 'alice', roles: ['operator'] })]);
    operator.channel.close();

    const auditor = connect(server.address, tlsTransport(pki), await token({ subject: 'bob', roles: ['auditor'] }));
    const outcome = await outcomeOf(auditor.merchantAccess.recordViolation({ merchantId: 'm-1' }));
    auditor.channel.close();
    expect(outcome).toMatchObject({
      code: Status.PERMISSION_DENIED,
      reason: 'AUTH.PERMISSION_DENIED',
      metadata: { permission: 'govern.merchant_access.v1.MerchantAccessService/RecordViolation', required_roles: 'operator' },
    });
  });

  it('every RPC that is not public refuses an anonymous caller and a caller that no rule names (enumerated from the contract)', async () => {
    const anonymous = connect(server.address, tlsTransport(pki));
    const stranger = connect(server.address, tlsTransport(pki), await token({ subject: 'mallory', roles: ['no-such-role'] }));
    const methods = Object.entries(MerchantAccessServiceDefinition.methods);
    expect(methods.length).toBe(Object.keys(merchantAccessPolicy.rules).length);
    for (const [key, method] of methods) {
      const call = (client: typeof anonymous.merchantAccess) => (client as unknown as Record<string, (request: object) => Promise<unknown>>)[key]?.({}) ?? Promise.reject(new Error(key));
      expect({ rpc: method.name, ...(await outcomeOf(call(anonymous.merchantAccess))) }).toMatchObject({ rpc: method.name, code: Status.UNAUTHENTICATED });
      expect({ rpc: method.name, ...(await outcomeOf(call(stranger.merchantAccess))) }).toMatchObject({ rpc: method.name, code: Status.PERMISSION_DENIED });
    }
    anonymous.channel.close();
    stranger.channel.close();
  });

  it('expired, wrongly signed, wrong-audience and malformed tokens are UNAUTHENTICATED, even on health, and never fall back to the certificate', async () => {
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ roles: ['operator'] })
      .setProtectedHeader({ alg: 'ES256', kid: JSON.parse(await readFile(pki.signingKeyFile, 'utf8')).kid })
      .setIssuer(DEV_TOKEN_ISSUER)
      .setAudience(DEV_TOKEN_AUDIENCE)
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(other.privateKey);
    const cases: Array<[string, string, string]> = [
      ['expired', await token({ subject: 'alice', roles: ['operator'], now: () => new Date(Date.now() - 7_200_000), ttlSeconds: 60 }), 'AUTH.TOKEN_EXPIRED'],
      ['wrongly signed', forged, 'AUTH.INVALID_TOKEN'],
      ['another audience', await token({ subject: 'alice', roles: ['operator'], audience: 'another-platform' }), 'AUTH.INVALID_TOKEN'],
      ['another issuer', await token({ subject: 'alice', roles: ['operator'], issuer: 'someone-else' }), 'AUTH.INVALID_TOKEN'],
      ['not a JWT', 'not-a-token', 'AUTH.INVALID_TOKEN'],
      ['not Bearer', 'Basic YWxpY2U6c2VjcmV0', 'AUTH.INVALID_TOKEN'],
    ];
    for (const [name, value, reason] of cases) {
      // Over the traffic service's valid certificate: a bad token must not be ignored in favour of it.
      const client = connect(server.address, tlsTransport(pki, 'traffic'), value);
      const standing = await outcomeOf(client.merchantAccess.getMerchantStanding(UNIMPLEMENTED_STANDING));
      const health = await outcomeOf(client.health.check({}));
      client.channel.close();
      expect({ name, ...standing }).toMatchObject({ name, code: Status.UNAUTHENTICATED, reason });
      expect({ name, ...health }).toMatchObject({ name, code: Status.UNAUTHENTICATED, reason });
    }
  });

  it('a token carried over a certificate is the caller, with the certificate as `via`; a system token names its workload', async () => {
    const viaCli = connect(server.address, tlsTransport(pki, 'cli'), await token({ subject: 'alice', roles: ['operator'] }));
    const system = connect(server.address, tlsTransport(pki), await token({ subject: 'traffic', kind: 'system' }));
    const before = server.callers.length;
    await viaCli.merchantAccess.runAffiliateSweep({});
    await system.merchantAccess.getMerchantStanding(UNIMPLEMENTED_STANDING);
    viaCli.channel.close();
    system.channel.close();
    expect(server.callers.slice(before)).toEqual([
      expect.objectContaining({ kind: 'person', subject: 'alice', via: 'cli' }),
      expect.objectContaining({ kind: 'system', subject: 'traffic', service: 'traffic' }),
    ]);
  });

  it('a client made with the bearer-token middleware calls as its identity; a per-call token (one tool, several actors) wins', async () => {
    const transport = tlsTransport(pki, 'cli');
    const channel = createChannel(server.address, createChannelCredentials(transport), channelOptionsFor(transport));
    const client = createClientFactory()
      .use(errorDetailsClientMiddleware)
      .use(bearerTokenClientMiddleware(devTokenProvider(pki.signingKeyFile, { subject: 'report', roles: ['auditor'] })))
      .create(Definition, channel);
    const before = server.callers.length;
    await client.getGovernanceStats({});
    await client.recordViolation({ merchantId: 'm-1' }, { metadata: bearer(await token({ subject: 'alice', roles: ['operator'] })) });
    const denied = await outcomeOf(client.recordViolation({ merchantId: 'm-1' }));
    channel.close();
    expect(server.callers.slice(before).map((caller) => [caller.subject, caller.via])).toEqual([
      ['report', 'cli'],
      ['alice', 'cli'],
    ]);
    expect(denied.code).toBe(Status.PERMISSION_DENIED);
  });

  it('a token may not claim a Govern service identity, and a header cannot forge a certificate identity', async () => {
    const claimed = connect(server.address, tlsTransport(pki), await token({ subject: 'content', kind: 'system' }));
    const outcome = await outcomeOf(claimed.merchantAccess.getMerchantStanding(UNIMPLEMENTED_STANDING));
    claimed.channel.close();
    expect(outcome).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'AUTH.INVALID_TOKEN' });

    const spoof = connect(server.address, tlsTransport(pki));
    const spoofed = await outcomeOf(
      spoof.merchantAccess.getMerchantStanding(UNIMPLEMENTED_STANDING, { metadata: Metadata({ [PEER_METADATA_KEY]: 'deadbeef:traffic' }) }),
    );
    spoof.channel.close();
    expect(spoofed).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'AUTH.MISSING_CREDENTIALS' });
  });

  it('CheckIdentifierLinks is rate-limited per caller by identifiers looked up: RESOURCE_EXHAUSTED with RetryInfo', async () => {
    let now = 0;
    const limited = await startSecureServer({ pki, rateLimiter: createRateLimiter({ now: () => now }) });
    try {
      const reviewer = connect(limited.address, tlsTransport(pki), await token({ subject: 'rita', roles: ['risk-reviewer'] }));
      const colleague = connect(limited.address, tlsTransport(pki), await token({ subject: 'rui', roles: ['risk-reviewer'] }));
      const fifty = { identifiers: Array.from({ length: 50 }, (_, i) => ({ kind: 1, value: `id-${i}` })) };
      await reviewer.merchantAccess.checkIdentifierLinks(fifty);
      await reviewer.merchantAccess.checkIdentifierLinks(fifty);
      const third = await outcomeOf(reviewer.merchantAccess.checkIdentifierLinks(fifty));
      expect(third).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, reason: 'AUTH.RATE_LIMITED' });
      // 50 identifiers at 300 a minute: 10 s.
      expect(third.retryDelayMs).toBe(10_000);
      await colleague.merchantAccess.checkIdentifierLinks(fifty);
      now += 10_000;
      await reviewer.merchantAccess.checkIdentifierLinks(fifty);
      reviewer.channel.close();
      colleague.channel.close();
    } finally {
      await limited.close();
    }
  });

  it('keys are rotated through the JWKS file: a token signed by a newly published key is accepted, a withdrawn key is not', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rotated-1', alg: 'ES256', use: 'sig' };
    const original = await readFile(pki.jwksFile, 'utf8');
    const sign = () =>
      new SignJWT({ roles: ['auditor'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'rotated-1' })
        .setIssuer(DEV_TOKEN_ISSUER)
        .setAudience(DEV_TOKEN_AUDIENCE)
        .setSubject('carol')
        .setExpirationTime('5m')
        .sign(privateKey);
    const client = connect(server.address, tlsTransport(pki), await sign());
    const statsCall = () => outcomeOf(client.merchantAccess.getGovernanceStats({}));
    /** Polls until the call's outcome is `code` (the verifier re-reads the file on its own schedule). */
    const until = async (code: number): Promise<void> => {
      const deadline = Date.now() + 15_000;
      while ((await statsCall()).code !== code) {
        if (Date.now() > deadline) throw new Error(`the JWKS change was not picked up (waiting for code ${code})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    expect(await statsCall()).toMatchObject({ code: Status.UNAUTHENTICATED, reason: 'AUTH.INVALID_TOKEN' });
    const published = JSON.parse(original) as { keys: object[] };
    await writeFile(pki.jwksFile, JSON.stringify({ keys: [...published.keys, jwk] }));
    await until(Status.OK);
    await writeFile(pki.jwksFile, original);
    await until(Status.UNAUTHENTICATED);
    expect(await statsCall()).toMatchObject({ reason: 'AUTH.INVALID_TOKEN' });
    client.channel.close();
  });
});
