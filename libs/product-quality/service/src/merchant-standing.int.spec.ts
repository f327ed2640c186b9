import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  MerchantOnboardedEvent,
  MerchantSanctionedEvent,
  type MerchantOnboarded,
  type MerchantReinstated,
  type MerchantRemoved,
  type MerchantSanctioned,
  MerchantStatus,
  ReinstatementCause,
  SanctionKind,
} from '@govern/contracts-merchant-access';
import type { PrismaClient, ProductQualityTx } from '@govern/product-quality-data-access';
import { type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import pino from 'pino';
import { createProductQualityDecisionLog } from './decisions/decision-log';
import { consumed, inWork, merchantOnboarded, meta, startProductQualityForTest, unique } from './testing/fixtures';
import type { Work } from './use-cases/work';
import { onMerchantOnboarded, onMerchantReinstated, onMerchantRemoved, onMerchantSanctioned } from './use-cases/merchant-standing';

const DAY = 86_400_000;
const LIMITS = { batchSize: 100, perTransaction: 1_000 };

describe('merchant standing from merchant-access events: one statement each, every rule kept', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  useForSuite(() => startProductQualityForTest(), (pq) => ({ sut } = pq));

  /**
   * Runs a handler as the consumer would, over a transaction whose Prisma models it must not use
   * (each model call is a query Prisma compiles: the cost this path dropped), counting its statements.
   */
  const handle = async <R>(action: (work: Work) => Promise<R>): Promise<{ result: R; statements: number }> => {
    let statements = 0;
    const result = await sut.db.$transaction(async (tx) => {
      const counting = new Proxy(tx, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (property === '$queryRawUnsafe' || property === '$executeRawUnsafe') statements++;
          else if (typeof property === 'string' && !property.startsWith('$') && typeof value === 'object') throw new Error(`Prisma model ${property} used`);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      }) as ProductQualityTx;
      const ids = { next: () => randomUUID() };
      const deps = { clock: sut.clock, ids, decisions: createProductQualityDecisionLog({ db: sut.db, clock: sut.clock, ids, log: pino({ level: 'silent' }) }) };
      return inWork(counting, deps, unique('evt'), action);
    });
    return { result, statements };
  };

  const stored = async (merchantId: string) =>
    (
      await sut.db.$queryRawUnsafe<Record<string, unknown>[]>(
        `SELECT standing, approved_category_codes, listing_quota, sanction_id, sanction_ends_at, removed_at, updated_at FROM merchants WHERE merchant_id = $1`,
        merchantId,
      )
    )[0];

  const at = (offsetMs: number): Date => new Date(sut.clock.now().getTime() + offsetMs);
  const onboarded = (merchantId: string, occurredAt: Date, categories: string[], listingQuota: number): MerchantOnboarded =>
    merchantOnboarded(sut, merchantId, { occurredAt, categories, listingQuota });
  const sanctioned = (merchantId: string, occurredAt: Date, kind: SanctionKind, sanctionId: string, endsAt?: Date): MerchantSanctioned => ({
    meta: { ...meta(sut), occurredAt },
    merchantId,
    sanctionId,
    kind,
    startsAt: occurredAt,
    endsAt,
    activePoints: 12,
    reasons: [],
    policy: { name: 'merchant-violations', version: '2026-11-01.1' },
  });
  const removed = (merchantId: string, occurredAt: Date): MerchantRemoved => ({
    meta: { ...meta(sut), occurredAt },
    merchantId,
    zeroTolerance: false,
    depositForfeited: false,
    depositForfeitedFen: 0n,
    reasons: [],
    policy: { name: 'merchant-violations', version: '2026-11-01.1' },
    sanctionId: `S-RM-${merchantId}`,
  });
  const reinstated = (merchantId: string, occurredAt: Date, status: MerchantStatus): MerchantReinstated => ({
    meta: { ...meta(sut), occurredAt },
    merchantId,
    cause: ReinstatementCause.REINSTATEMENT_CAUSE_EXPIRED,
    sanctionId: 'S-1',
    status,
    activePoints: 0,
    appealId: '',
  });

  it('onboards a new merchant ACTIVE with its terms, in one statement and no Prisma query', async () => {
    const merchantId = unique('M-NEW');
    const { statements } = await handle((work) => onMerchantOnboarded(work, onboarded(merchantId, at(-DAY), ['food'], 50)));
    expect(statements).toBe(1);
    expect(await stored(merchantId)).toMatchObject({ standing: 'ACTIVE', approved_category_codes: ['food'], listing_quota: 50, updated_at: at(-DAY) });
  });

  it('a sanction that overtook the onboarding keeps its effect; the onboarding terms still apply', async () => {
    const merchantId = unique('M-OVERTAKEN');
    const endsAt = at(7 * DAY);
    await handle((work) => onMerchantSanctioned(work, sanctioned(merchantId, at(-DAY), SanctionKind.SANCTION_KIND_SUSPENDED, 'S-1', endsAt)));
    expect(await stored(merchantId)).toMatchObject({ standing: 'SUSPENDED', sanction_id: 'S-1', sanction_ends_at: endsAt, listing_quota: 0 });
    const { statements } = await handle((work) => onMerchantOnboarded(work, onboarded(merchantId, at(-2 * DAY), ['cosmetics'], 20)));
    expect(statements).toBe(1);
    expect(await stored(merchantId)).toMatchObject({ standing: 'SUSPENDED', sanction_id: 'S-1', approved_category_codes: ['cosmetics'], listing_quota: 20, updated_at: at(-DAY) });
  });

  it('applies a newer change, and nothing of a change older than the one applied last', async () => {
    const merchantId = unique('M-ORDER');
    await handle((work) => onMerchantOnboarded(work, onboarded(merchantId, at(-3 * DAY), [], 0)));
    await handle((work) => onMerchantSanctioned(work, sanctioned(merchantId, at(-DAY), SanctionKind.SANCTION_KIND_LISTING_RESTRICTED, 'S-NEW')));
    // Redelivered late: a suspension from before the restriction applied last.
    const { statements } = await handle((work) => onMerchantSanctioned(work, sanctioned(merchantId, at(-2 * DAY), SanctionKind.SANCTION_KIND_SUSPENDED, 'S-OLD', at(DAY))));
    expect(statements).toBe(1);
    expect(await stored(merchantId)).toMatchObject({ standing: 'LISTING_RESTRICTED', sanction_id: 'S-NEW', sanction_ends_at: null, updated_at: at(-DAY) });
    const stale = await handle((work) => onMerchantReinstated(work, reinstated(merchantId, at(-2 * DAY), MerchantStatus.MERCHANT_STATUS_ACTIVE), LIMITS));
    expect(stale.result).toBe(0);
    expect(await stored(merchantId)).toMatchObject({ standing: 'LISTING_RESTRICTED', sanction_id: 'S-NEW' });
  });

  it('a removal stays until a reinstatement lifts it: a later sanction keeps it, a reinstatement to REMOVED keeps its time', async () => {
    const merchantId = unique('M-REMOVED');
    await handle((work) => onMerchantOnboarded(work, onboarded(merchantId, at(-5 * DAY), [], 0)));
    await handle((work) => onMerchantRemoved(work, removed(merchantId, at(-4 * DAY)), unique('evt'), LIMITS));
    expect(await stored(merchantId)).toMatchObject({ standing: 'REMOVED', sanction_id: `S-RM-${merchantId}`, removed_at: at(-4 * DAY) });
    await handle((work) => onMerchantSanctioned(work, sanctioned(merchantId, at(-3 * DAY), SanctionKind.SANCTION_KIND_SUSPENDED, 'S-2', at(DAY))));
    expect(await stored(merchantId)).toMatchObject({ standing: 'REMOVED', sanction_id: 'S-2', sanction_ends_at: at(DAY), removed_at: at(-4 * DAY) });
    await handle((work) => onMerchantReinstated(work, reinstated(merchantId, at(-2 * DAY), MerchantStatus.MERCHANT_STATUS_REMOVED), LIMITS));
    expect(await stored(merchantId)).toMatchObject({ standing: 'REMOVED', sanction_id: null, sanction_ends_at: null, removed_at: at(-4 * DAY) });
    // A stale removal changes nothing, and bans nothing.
    expect((await handle((work) => onMerchantRemoved(work, removed(merchantId, at(-5 * DAY)), unique('evt'), LIMITS))).result).toBe(0);
    await handle((work) => onMerchantReinstated(work, reinstated(merchantId, at(-DAY), MerchantStatus.MERCHANT_STATUS_LISTING_RESTRICTED), LIMITS));
    expect(await stored(merchantId)).toMatchObject({ standing: 'LISTING_RESTRICTED', sanction_id: null, removed_at: null, updated_at: at(-DAY) });
  });

  it('a burst of onboardings through the consumer (one statement for the batch) ends as each event alone would leave it', async () => {
    const merchants = Array.from({ length: 6 }, () => unique('M-BURST'));
    const overtaken = merchants[0] ?? '';
    const endsAt = at(7 * DAY);
    // The overtaken merchant's sanction first, then every onboarding, without waiting between them.
    const published = [
      sanctioned(overtaken, at(-DAY), SanctionKind.SANCTION_KIND_LISTING_RESTRICTED, 'S-BURST', endsAt),
      ...merchants.map((merchantId, i) => onboarded(merchantId, at(-2 * DAY), ['food'], i)),
      // A merchant onboarded twice in the burst: the later terms win.
      onboarded(merchants[1] ?? '', at(-2 * DAY), ['cosmetics'], 99),
    ];
    for (const event of published) {
      if ('kind' in event) await sut.publish(MerchantSanctionedEvent, event);
      else await sut.publish(MerchantOnboardedEvent, event);
    }
    for (const event of published) await consumed(sut, event.meta?.eventId ?? '');
    expect(await stored(overtaken)).toMatchObject({ standing: 'LISTING_RESTRICTED', sanction_id: 'S-BURST', sanction_ends_at: endsAt, approved_category_codes: ['food'], listing_quota: 0, updated_at: at(-DAY) });
    expect(await stored(merchants[1] ?? '')).toMatchObject({ standing: 'ACTIVE', approved_category_codes: ['cosmetics'], listing_quota: 99, updated_at: at(-2 * DAY) });
    for (const [i, merchantId] of merchants.entries()) {
      if (i > 1) expect(await stored(merchantId)).toMatchObject({ standing: 'ACTIVE', approved_category_codes: ['food'], listing_quota: i, sanction_id: null, updated_at: at(-2 * DAY) });
    }
  });
});
