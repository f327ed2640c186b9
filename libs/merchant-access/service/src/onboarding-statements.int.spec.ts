import { ApplicationStatus, MerchantAccessServiceDefinition, RiskBand } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import type { ServiceClient } from '@govern/platform-grpc';
import { type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { recordPgStatements } from '@govern/platform-testing';
import { describe, expect, it } from 'vitest';
import { applicationInput, reviewBandCategories, withBankAccount } from './testing/applications';
import { startMerchantAccessForTest } from './testing/service';

/** SubmitApplication's transactions as sent (statements trimmed): those that inserted an application. */
const applicationUnits = (recorder: ReturnType<typeof recordPgStatements>): { statements: string[]; writes: number }[] =>
  recorder
    .transactions((s) => /INSERT INTO applications/.test(s.text))
    .map((unit) => ({ statements: unit.statements.map((text) => text.trim()), writes: unit.writes }));

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
    const recorder = recordPgStatements();
    const { application, merchant } = await client
      .submitApplication({ requestId: 'statements-approved', application: applicationInput(601) })
      .finally(() => recorder.restore());
    expect(application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_APPROVED);
    const [unit, ...others] = applicationUnits(recorder);
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
    const recorder = recordPgStatements();
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
    const units = applicationUnits(recorder);
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
