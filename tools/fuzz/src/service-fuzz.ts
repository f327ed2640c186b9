import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commonDescriptorSet } from '@govern/contracts-common';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import type { ServiceDefinition } from '@govern/platform-runtime';
import {
  createRawGrpcClient,
  formatFuzzFailures,
  fuzzRpc,
  fuzzSeedFrom,
  startServiceForTest,
  unaryRpcsOf,
  type RawGrpcClient,
  type RpcFuzzReport,
  type ServiceUnderTest,
} from '@govern/platform-service-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * One vitest suite per service: the service started for real (fresh database, own stream
 * namespace), then one test per unary RPC of its contract, found in its descriptors. A new RPC is
 * fuzzed without a line here.
 *
 * FUZZ_SEED replays a run (printed with every failure; unset, a fixed seed; `random` for a fresh
 * one); FUZZ_RUNS sets the cases per RPC (at
 * least 50 in CI); FUZZ_REPORT_DIR, if set, receives each service's reports as JSON.
 */
const seed = fuzzSeedFrom(process.env['FUZZ_SEED']);
const runs = Math.max(1, Number(process.env['FUZZ_RUNS'] ?? 50) || 50);
const reportDir = process.env['FUZZ_REPORT_DIR'];

/** A run of 50 cases against a service sharing two cores with its database. */
const RPC_TIMEOUT_MS = 600_000;

export const describeServiceFuzz = <Client extends TransactionalClient<SqlTx> & { $disconnect(): Promise<void> }>(
  name: string,
  definition: () => ServiceDefinition<Client>,
): void => {
  const service = definition();
  // The service's own contract and the platform's ops service every service serves (common contracts).
  const rpcs = unaryRpcsOf([commonDescriptorSet, ...service.descriptorSets]);

  describe(`fuzz ${name} (FUZZ_SEED=${seed}, ${runs} cases per RPC)`, () => {
    let sut: ServiceUnderTest<Client>;
    let client: RawGrpcClient;
    const reports: RpcFuzzReport[] = [];

    beforeAll(async () => {
      sut = await startServiceForTest(service);
      // Each RPC as the caller the service's policy names for it: the fuzz probes validation, not authorization.
      client = createRawGrpcClient(sut.address, sut.credentials());
    });

    afterAll(async () => {
      client?.close();
      await sut?.stop();
      if (reportDir) {
        mkdirSync(reportDir, { recursive: true });
        writeFileSync(join(reportDir, `${name}.json`), JSON.stringify({ seed, runs, reports }, null, 2));
      }
    });

    it('has unary RPCs in its descriptors', () => {
      expect(rpcs.length).toBeGreaterThan(0);
    });

    it.each(rpcs.map((rpc) => [rpc.path, rpc] as const))('%s: never INTERNAL, UNKNOWN or a hang; INVALID_ARGUMENT with field violations', async (_path, rpc) => {
      const report = await fuzzRpc(client, rpc, { seed, runs });
      reports.push(report);
      expect(report.failures, formatFuzzFailures([report])).toEqual([]);
    }, RPC_TIMEOUT_MS);
  });
};
