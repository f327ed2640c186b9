/**
 * Service-level benchmark of merchant-access over real gRPC + PostgreSQL + NATS: the hot path
 * other services call (GetMerchantStanding, BatchGetMerchantStandings of 500) and onboarding
 * (SubmitApplication: validation, keyed hashing, ring-graph catch-up and check, decision,
 * writes, outbox) against a database holding N merchants.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx --tsconfig tsconfig.base.json libs/merchant-access/service/bench/onboarding-and-standing.bench.ts [merchants] [calls]
 *
 * The merchants are bulk-inserted with SQL after the service started, so the first link check
 * also times a replica catching up with N·5 identifiers written by others. The link check on
 * its own at 10^6 merchants is the domain benchmark (libs/merchant-access/domain/bench).
 * Prints figures; asserts nothing.
 */
import { MerchantAccessServiceDefinition, IdentifierKind } from '@govern/contracts-merchant-access';
import { closeServiceClient } from '@govern/platform-grpc';
import { startServiceForTest } from '@govern/platform-service-testing';
import { createMerchantAccessService } from '../src/merchant-access.service';
import { applicationInput } from '../src/testing/applications';

const MERCHANTS = Number(process.argv[2] ?? 50_000);
const CALLS = Number(process.argv[3] ?? 300);

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const report = (name: string, samples: number[]): void => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  console.log(`${name.padEnd(44)} n=${String(samples.length).padStart(4)}  mean ${mean.toFixed(2)} ms  p50 ${percentile(sorted, 50).toFixed(2)} ms  p99 ${percentile(sorted, 99).toFixed(2)} ms`);
};
const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const sut = await startServiceForTest(createMerchantAccessService({ identityHashKey: 'benchmark-identity-hash-key-0123456789abcdef' }));
const client = sut.client(MerchantAccessServiceDefinition, {}, { defaultDeadlineMs: 60_000 });
try {
  let t = performance.now();
  // N merchants, each with five identifiers of its own; 2% removed, every 50th shares a bank account with the previous one.
  await sut.db.$executeRawUnsafe(`
    INSERT INTO applications (id, status, company_name, credit_code_masked, legal_rep_name_masked, phone_masked, bank_account_masked, region_code,
                              category_codes, risk_score, band, reasons, ring_links, approvable_category_codes, policy_name, policy_version,
                              submitted_at, decided_at, closed_at, merchant_id)
    SELECT 'bench-app-' || g, 'APPROVED', 'bench ' || g, '', '', '', '', '350102', '["general"]', 0, 'APPROVE', '[]', '[]', '["general"]',
           'merchant-onboarding', '2026-11-01.1', now(), now(), now(), 'bench-m-' || g
      FROM generate_series(1, ${MERCHANTS}) g`);
  await sut.db.$executeRawUnsafe(`
    INSERT INTO merchants (id, application_id, company_name, credit_code_masked, onboarding_band, status, listing_quota, deposit_fen,
                           approved_category_codes, affiliate_eligible, onboarded_at, removed_at)
    SELECT 'bench-m-' || g, 'bench-app-' || g, 'bench ' || g, '', 'APPROVE', CASE WHEN g % 50 = 0 THEN 'REMOVED' ELSE 'ACTIVE' END, 0, 200000,
           '["general"]', true, now(), CASE WHEN g % 50 = 0 THEN now() ELSE NULL END
      FROM generate_series(1, ${MERCHANTS}) g`);
  await sut.db.$executeRawUnsafe(`
    INSERT INTO ring_graph_entries (merchant_id, identifier_kind, identifier_hash)
    SELECT 'bench-m-' || g, k.kind, md5(k.kind || CASE WHEN k.kind = 'BANK_ACCOUNT' AND g % 50 = 1 AND g > 1 THEN g - 1 ELSE g END)
      FROM generate_series(1, ${MERCHANTS}) g
      CROSS JOIN (VALUES ('LICENCE'), ('LEGAL_REP_ID'), ('BANK_ACCOUNT'), ('PHONE'), ('DEVICE')) AS k(kind)`);
  await sut.db.$executeRawUnsafe(`
    INSERT INTO ring_graph_entries (merchant_id, status) SELECT 'bench-m-' || g, 'REMOVED' FROM generate_series(50, ${MERCHANTS}, 50) g`);
  await sut.db.$executeRawUnsafe(`
    INSERT INTO sanctions (id, merchant_id, kind, starts_at, trigger_points, threshold, zero_tolerance, trigger_violation_id, violation_ids, reasons,
                           policy_name, policy_version)
    SELECT 'bench-s-' || g, 'bench-m-' || g, 'REMOVED', now(), 0, 0, true, 'none', '[]', '[]', 'merchant-violation-points', '2026-11-01.1'
      FROM generate_series(50, ${MERCHANTS}, 50) g`);
  await sut.db.$executeRawUnsafe(`ANALYZE`);
  console.log(`seeded ${MERCHANTS} merchants, ${MERCHANTS * 5} identifiers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const first = await client.checkIdentifierLinks({ identifiers: [{ kind: IdentifierKind.IDENTIFIER_KIND_PHONE, value: '13800000000' }], excludeMerchantId: '' });
  console.log(`first link check (catches up with ${MERCHANTS * 5 + Math.floor(MERCHANTS / 50)} entries written by others): ${(performance.now() - t).toFixed(0)} ms, ${first.links.length} links`);

  const checks: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    checks.push(await timed(() => client.checkIdentifierLinks({ identifiers: [{ kind: IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT, value: `62220200${i}` }], excludeMerchantId: '' })));
  }
  report('CheckIdentifierLinks (catch-up + check)', checks);

  const submits: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    submits.push(await timed(() => client.submitApplication({ requestId: `bench-submit-${i}`, application: applicationInput(10_000 + i) })));
  }
  report('SubmitApplication (end to end)', submits);

  const standings: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const merchantId = `bench-m-${1 + ((i * 7919) % MERCHANTS)}`;
    standings.push(await timed(() => client.getMerchantStanding({ merchantId })));
  }
  report('GetMerchantStanding', standings);

  const batches: number[] = [];
  for (let i = 0; i < Math.max(10, Math.floor(CALLS / 10)); i++) {
    const merchantIds = Array.from({ length: 500 }, (_, k) => `bench-m-${1 + ((i * 500 + k) % MERCHANTS)}`);
    batches.push(await timed(() => client.batchGetMerchantStandings({ merchantIds })));
  }
  report('BatchGetMerchantStandings (500 ids)', batches);

  const memory = process.memoryUsage();
  console.log(`process memory: rss ${(memory.rss / 1024 / 1024).toFixed(0)} MB, heap used ${(memory.heapUsed / 1024 / 1024).toFixed(0)} MB, array buffers ${(memory.arrayBuffers / 1024 / 1024).toFixed(0)} MB`);
} finally {
  closeServiceClient(client);
  await sut.stop();
}
