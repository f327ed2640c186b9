import { ApplicationStatus, MerchantAccessServiceDefinition, RiskBand } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import type { ServiceClient } from '@govern/platform-grpc';
import { type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { applicationInput, reviewBandCategories, withBankAccount } from './testing/applications';
import { startMerchantAccessForTest } from './testing/service';

/**
 * Records, per pg connection, the statements the service sends and the writes they leave in: a
 * statement sent while no earlier one of the same turn of the event loop is waiting starts a new
 * write (the platform's transaction corks the socket until the turn ends), and a unit waits for one
 * round trip per write. The service runs in the test's process, so its connections are these.
 */
const recordStatements = () => {
  const original = pg.Client.prototype.query;
  const byClient = new Map<pg.Client, { text: string; write: number }[]>();
  const open = new Set<pg.Client>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = (typeof first === 'string' ? first : first?.text) ?? '';
    const log = byClient.get(this) ?? [];
    byClient.set(this, log);
    const write = (log.at(-1)?.write ?? 0) + (open.has(this) ? 0 : 1);
    if (!open.has(this)) {
      open.add(this);
      setImmediate(() => open.delete(this));
    }
    log.push({ text, write });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  return {
    /** The transactions that sent a statement matching `marker` (from BEGIN to COMMIT), in order: their statements and writes. */
    units(marker: RegExp): { statements: string[]; writes: number }[] {
      const units: { statements: string[]; writes: number }[] = [];
      for (const log of byClient.values()) {
        log.forEach((s, begin) => {
          if (!s.text.startsWith('BEGIN')) return;
          const commit = log.findIndex((c, i) => i > begin && c.text === 'COMMIT');
          const unit = log.slice(begin, commit + 1);
          if (commit > begin && unit.some((u) => marker.test(u.text))) {
            units.push({ statements: unit.map((u) => u.text.trim()), writes: (unit.at(-1)?.write ?? 0) - (unit[0]?.write ?? 0) + 1 });
          }
        });
      }
      return units;
    },
    restore: () => {
      pg.Client.prototype.query = original;
    },
  };
};

/** What each statement of a SubmitApplication unit is, in the order sent. */
const shapes = (statements: readonly string[]): string[] =>
  statements.map((text) =>
    text.startsWith('BEGIN')
      ? 'BEGIN'
      : text === 'COMMIT'
        ? 'COMMIT'
        : /^INSERT INTO idempotency_keys/.test(text)
          ? 'claim'
          : /FROM application_identifiers device/.test(text)
            ? "devices' other applicants"
            : /FROM ring_graph_entries\s+WHERE seq/.test(text)
              ? 'ring graph catch-up'
              : /^WITH outbox AS/.test(text)
                ? 'effects'
                : text.slice(0, 60),
  );

/**
 * SubmitApplication's statements: the request_id's claim with the two reads in one round trip,
 * then every row it writes (the application and its identifiers, the decision record, the merchant
 * and its ring graph entries or the review case) inside the unit's effects statement, with COMMIT.
 * Before, the application, the decision record and the merchant were three statements of their own.
 */
describe('SubmitApplication statements and round trips', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  useForSuite(startMerchantAccessForTest, (ma) => ({ sut, client } = ma));

  const count = async (table: string, column: string, id: string): Promise<number> => {
    const [row] = await sut.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${table} WHERE ${column} = $1`, id);
    return Number(row?.n ?? 0n);
  };

  it('approves in six statements and two round trips, every row written with the effects, and reads back as answered', async () => {
    const recorder = recordStatements();
    const { application, merchant } = await client
      .submitApplication({ requestId: 'statements-approved', application: applicationInput(601) })
      .finally(() => recorder.restore());
    expect(application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_APPROVED);
    const [unit, ...others] = recorder.units(/INSERT INTO applications/);
    expect(others).toEqual([]);
    if (!unit) throw new Error('no SubmitApplication unit recorded');
    expect(shapes(unit.statements)).toEqual(['BEGIN', 'claim', "devices' other applicants", 'ring graph catch-up', 'effects', 'COMMIT']);
    expect(unit.writes).toBe(2);
    const effects = unit.statements[4] ?? '';
    for (const write of [
      /INSERT INTO applications/,
      /INSERT INTO application_identifiers/,
      /INSERT INTO decision_records/,
      /INSERT INTO merchants/,
      /INSERT INTO ring_graph_entries/,
      /INSERT INTO outbox_events/,
      /UPDATE idempotency_keys/,
    ]) {
      expect(effects).toMatch(write);
    }

    // Stored as answered: the application with its merchant's terms, the merchant, every identifier and the decision.
    const applicationId = application?.applicationId ?? '';
    const merchantId = merchant?.merchantId ?? '';
    expect((await client.getApplication({ applicationId })).application).toEqual(application);
    expect((await client.getMerchant({ merchantId })).merchant).toEqual(merchant);
    const identifiers = await count('application_identifiers', 'application_id', applicationId);
    expect(identifiers).toBeGreaterThanOrEqual(5);
    expect(await count('ring_graph_entries', 'merchant_id', merchantId)).toBe(identifiers);
    expect(await count('decision_records', 'decision_id', applicationId)).toBe(1);
  });

  it('opens a review case and rejects with the same statements', async () => {
    const recorder = recordStatements();
    const { review, rejected } = await (async () => ({
      review: await client.submitApplication({ requestId: 'statements-review', application: applicationInput(602, { categoryCodes: reviewBandCategories }) }),
      rejected: await client.submitApplication({
        requestId: 'statements-rejected',
        // The review band's 70 and a settlement account in someone else's name: 90.
        application: withBankAccount(applicationInput(603, { categoryCodes: reviewBandCategories }), { accountHolder: '王五' }),
      }),
    }))().finally(() => recorder.restore());
    expect(review.application?.decision?.band).toBe(RiskBand.RISK_BAND_MANUAL_REVIEW);
    expect(rejected.application?.decision?.band).toBe(RiskBand.RISK_BAND_REJECT);
    const units = recorder.units(/INSERT INTO applications/);
    expect(units.map((unit) => [shapes(unit.statements), unit.writes])).toEqual([
      [['BEGIN', 'claim', "devices' other applicants", 'ring graph catch-up', 'effects', 'COMMIT'], 2],
      [['BEGIN', 'claim', "devices' other applicants", 'ring graph catch-up', 'effects', 'COMMIT'], 2],
    ]);
    expect(units.filter((unit) => /INSERT INTO review_cases/.test(unit.statements[4] ?? ''))).toHaveLength(1);

    const caseId = review.reviewCase?.caseId ?? '';
    expect((await client.getReviewCase({ caseId })).reviewCase).toEqual(review.reviewCase);
    for (const { application } of [review, rejected]) {
      expect((await client.getApplication({ applicationId: application?.applicationId ?? '' })).application).toEqual(application);
      expect(await count('decision_records', 'decision_id', application?.applicationId ?? '')).toBe(1);
    }
  });
});
