import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevPki, issueDevToken, type DevPki } from '@govern/platform-auth';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import type { ServiceDefinition } from '@govern/platform-runtime';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceForTest, type ServiceUnderTest } from './service-harness';
import { createTrustProbe, rpcsOf, type DescribedRpc, type ProbeAnswer } from './trust-probe';

const outcomes = async (rpcs: readonly DescribedRpc[], ask: (rpc: DescribedRpc) => Promise<ProbeAnswer>) => {
  const answers: Record<string, string> = {};
  // One after the other: the service shares two cores with its database and the other suites.
  for (const rpc of rpcs) {
    const answer = await ask(rpc);
    answers[rpc.path] = `${answer.codeName} ${answer.reason ?? ''}`.trim();
  }
  return answers;
};

const every = (rpcs: readonly DescribedRpc[], outcome: string): Record<string, string> => Object.fromEntries(rpcs.map((rpc) => [rpc.path, outcome]));

/**
 * The trust boundary of one service through real gRPC (issue 12, "Done when"), every RPC
 * enumerated from its descriptors: no credentials → UNAUTHENTICATED; a valid person with no
 * Govern role → PERMISSION_DENIED naming the permission; expired and wrongly signed tokens →
 * UNAUTHENTICATED; a plaintext client and a client certificate from another CA get nowhere;
 * health stays open.
 */
export const describeTrustBoundary = <Client extends TransactionalClient<SqlTx> & { $disconnect(): Promise<void> }>(
  name: string,
  definition: () => ServiceDefinition<Client>,
): void => {
  describe(`${name}: the trust boundary, every RPC from the descriptors`, () => {
    const service = definition();
    const rpcs = rpcsOf(service.descriptorSets);
    let sut: ServiceUnderTest<Client>;
    let stranger: { dir: string; pki: DevPki };

    beforeAll(async () => {
      sut = await startServiceForTest(service);
      const dir = await mkdtemp(join(tmpdir(), 'govern-stranger-pki-'));
      stranger = { dir, pki: await ensureDevPki({ dir, services: [name], clients: ['listing'] }) };
    }, 120_000);

    afterAll(async () => {
      await sut?.stop();
      if (stranger) await rm(stranger.dir, { recursive: true, force: true });
    });

    const probe = <T>(transport: Parameters<typeof createTrustProbe>[1], use: (p: ReturnType<typeof createTrustProbe>) => Promise<T>): Promise<T> => {
      const client = createTrustProbe(sut.address, transport);
      return use(client).finally(() => client.close());
    };
    const trusted = () => ({ mode: 'tls' as const, options: { ca: sut.pki.ca } });

    it('has RPCs, streaming ones included, and health is open to anonymous callers', async () => {
      expect(rpcs.length).toBeGreaterThan(5);
      const health = await probe(trusted(), (p) => p.call({ path: '/grpc.health.v1.Health/Check', kind: 'unary' }));
      expect(health.codeName).toBe('OK');
    });

    it('no credentials: UNAUTHENTICATED for every RPC', async () => {
      const answers = await probe(trusted(), (p) => outcomes(rpcs, (rpc) => p.call(rpc)));
      expect(answers).toEqual(every(rpcs, 'UNAUTHENTICATED AUTH.MISSING_CREDENTIALS'));
    }, 120_000);

    it('a valid person without a Govern role: PERMISSION_DENIED naming the permission, for every RPC', async () => {
      const token = await issueDevToken(sut.pki.signingKeyFile, { subject: 'nobody', roles: ['nobody'] });
      const seen: ProbeAnswer[] = [];
      const answers = await probe(trusted(), (p) =>
        outcomes(rpcs, async (rpc) => {
          const answer = await p.call(rpc, token);
          seen.push(answer);
          return answer;
        }),
      );
      expect(answers).toEqual(every(rpcs, 'PERMISSION_DENIED AUTH.PERMISSION_DENIED'));
      expect(seen.map((answer) => answer.metadata['permission'])).toEqual(rpcs.map((rpc) => rpc.path.slice(1)));
    }, 120_000);

    it('an expired token and a token signed by another key: UNAUTHENTICATED, even over a valid client certificate', async () => {
      const expired = await issueDevToken(sut.pki.signingKeyFile, { subject: 'olga', roles: ['operator', 'finance', 'auditor'], ttlSeconds: 60, now: () => new Date(Date.now() - 7_200_000) });
      const forged = await issueDevToken(stranger.pki.signingKeyFile, { subject: 'olga', roles: ['operator', 'finance', 'auditor'] });
      const { cert, key } = sut.pki.identity('listing').material;
      const answers = await probe({ mode: 'tls', options: { ca: sut.pki.ca, cert, key } }, async (p) => ({
        expired: await outcomes(rpcs, (rpc) => p.call(rpc, expired)),
        forged: await outcomes(rpcs, (rpc) => p.call(rpc, forged)),
      }));
      expect(answers).toEqual({ expired: every(rpcs, 'UNAUTHENTICATED AUTH.TOKEN_EXPIRED'), forged: every(rpcs, 'UNAUTHENTICATED AUTH.INVALID_TOKEN') });
    }, 120_000);

    it('a plaintext client cannot call a TLS service; a certificate from another CA proves nothing', async () => {
      const [first] = rpcs;
      if (!first) throw new Error('no RPC to call');
      const token = await issueDevToken(sut.pki.signingKeyFile, { subject: 'olga', roles: ['operator'] });
      const plaintext = await probe({ mode: 'plaintext' }, (p) => p.call(first, token));
      expect(plaintext.code).toBe(Status.UNAVAILABLE);
      // The stranger's certificate for this very service name, trusting our CA for the server side.
      const { cert, key } = stranger.pki.identity(name).material;
      const foreign = await probe({ mode: 'tls', options: { ca: sut.pki.ca, cert, key } }, (p) => p.call(first));
      expect(`${foreign.codeName} ${foreign.reason ?? ''}`.trim()).toBe('UNAUTHENTICATED AUTH.MISSING_CREDENTIALS');
    }, 60_000);
  });
};
