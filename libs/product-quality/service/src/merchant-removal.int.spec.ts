import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ActorKind } from '@govern/contracts-common';
import { MerchantReinstatedEvent, MerchantRemovedEvent, MerchantStatus, ReinstatementCause } from '@govern/contracts-merchant-access';
import {
  BanCause,
  ListingDecision,
  ProductBannedEvent,
  ProductQualityServiceDefinition,
  ProductStatus,
  ProductUnbannedEvent,
  UnbanCause,
} from '@govern/contracts-product-quality';
import type { PrismaClient, ProductQualityTx } from '@govern/product-quality-data-access';
import { type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import pino from 'pino';
import { createProductQualityDecisionLog } from './decisions/decision-log';
import { consumed, inWork, listing, meta, seedCatalogue, sentinel, unique, startProductQualityForTest } from './testing/fixtures';
import { onMerchantRemoved } from './use-cases/merchant-standing';

const removal = (sut: ServiceUnderTest<PrismaClient>, merchantId: string) => ({
  meta: meta(sut),
  merchantId,
  zeroTolerance: true,
  depositForfeited: true,
  depositForfeitedFen: 500_000n,
  reasons: [{ code: 'MERCHANT.VIOLATION.COUNTERFEIT', message: 'counterfeit goods', evidence: {}, weight: 0 }],
  policy: { name: 'merchant-violations', version: '2026-11-01.1' },
  sanctionId: `S-${merchantId}`,
});

describe('cascade 2: a removed merchant loses every product (real gRPC, Postgres, JetStream)', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof ProductQualityServiceDefinition>;
  let events: EventCollector;

  useForSuite(() => startProductQualityForTest({ merchants: ['M-RM', 'M-OK'] }), (pq) => ({ sut, client, events } = pq));

  it('bans all 5,000 products of a merchant-removed event and publishes one ProductBanned each, with no call per product', async () => {
    // Three products through the gate, the rest of the catalogue seeded: 5,000 in all.
    const gated = [listing({ merchantId: 'M-RM' }), listing({ merchantId: 'M-RM' }), listing({ merchantId: 'M-RM' })];
    for (const l of gated) expect((await client.evaluateListing({ requestId: unique('r'), listing: l, action: 0 })).decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    const seeded = await seedCatalogue(sut.db, 'M-RM', 4_997);
    const bystander = listing({ merchantId: 'M-OK' });
    await client.evaluateListing({ requestId: unique('r'), listing: bystander, action: 0 });

    const event = removal(sut, 'M-RM');
    await sut.publish(MerchantRemovedEvent, event);
    const banned = await events.waitFor(ProductBannedEvent, 5_000, 90_000);

    const ids = new Set(banned.map((b) => b.productId));
    expect(ids.size).toBe(5_000);
    for (const id of [...gated.map((l) => l.productId), ...seeded]) expect(ids.has(id)).toBe(true);
    expect(banned.every((b) => b.merchantId === 'M-RM' && b.cause === BanCause.BAN_CAUSE_MERCHANT_REMOVED && b.sourceRef === 'M-RM')).toBe(true);
    expect(banned[0]?.reasons[0]).toMatchObject({ code: 'BAN.MERCHANT_REMOVED', evidence: { sanction_id: 'S-M-RM', zero_tolerance: 'true' } });
    expect(new Set(banned.map((b) => b.meta?.causationId))).toEqual(new Set([event.meta.eventId]));

    const stillActive = await client.listProducts({ pageSize: 10, pageToken: '', merchantId: 'M-RM', categoryCode: '', status: ProductStatus.PRODUCT_STATUS_ACTIVE, tier: 0 });
    expect(stillActive.products).toEqual([]);
    expect((await client.getProduct({ productId: bystander.productId })).product?.status).toBe(ProductStatus.PRODUCT_STATUS_ACTIVE);

    // The same event again (a producer's retry): nothing is banned or published twice.
    await sut.publish(MerchantRemovedEvent, event);
    await sentinel(sut, client, events);
    expect(events.of(ProductBannedEvent)).toHaveLength(5_000);

    // The removed merchant cannot list any more, and its banned goods cannot come back under another merchant.
    const late = await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: 'M-RM' }), action: 0 });
    expect(late.reasons.map((r) => r.code)).toContain('LISTING.MERCHANT_NOT_ACTIVE');
    const reupload = await client.evaluateListing({
      requestId: unique('r'),
      listing: listing({ merchantId: 'M-OK', title: gated[0]?.title ?? '', imageHashes: gated[0]?.imageHashes ?? [] }),
      action: 0,
    });
    expect(reupload.reasons.find((r) => r.code === 'LISTING.BANNED_RE_UPLOAD')?.evidence['banned_product_id']).toBe(gated[0]?.productId);
  }, 120_000);

  it('bans set-based: the number of statements does not grow with the number of products', async () => {
    const statementsFor = async (merchantId: string, products: number): Promise<{ statements: number; banned: number }> => {
      await seedCatalogue(sut.db, merchantId, products);
      let statements = 0;
      const banned = await sut.db.$transaction(
        async (tx) => {
          const counting = new Proxy(tx, {
            get(target, property, receiver) {
              const value = Reflect.get(target, property, receiver) as unknown;
              if (typeof value !== 'function') return value;
              if (property === '$queryRawUnsafe' || property === '$executeRawUnsafe') statements++;
              return (value as (...args: unknown[]) => unknown).bind(target);
            },
          }) as ProductQualityTx;
          const ids = { next: () => randomUUID() };
          const deps = { clock: sut.clock, ids, decisions: createProductQualityDecisionLog({ db: sut.db, clock: sut.clock, ids, log: pino({ level: 'silent' }) }) };
          const eventId = unique('evt');
          return inWork(counting, deps, eventId, (work) => onMerchantRemoved(work, removal(sut, merchantId), eventId, { batchSize: 1_000, perTransaction: 10_000 }));
        },
        { timeout: 60_000 },
      );
      return { statements, banned };
    };
    const small = await statementsFor('M-SMALL', 1_000);
    const large = await statementsFor('M-LARGE', 3_000);
    expect(small.banned).toBe(1_000);
    expect(large.banned).toBe(3_000);
    // Per batch of 1,000: select, ban, three print copies, outbox; never per product.
    expect(large.statements).toBeLessThanOrEqual(small.statements * 3);
    expect(large.statements).toBeLessThan(40);
  });
});

describe('cascade 2 beyond one transaction, and a reinstatement that undoes it', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof ProductQualityServiceDefinition>;
  let events: EventCollector;

  useForSuite(() => startProductQualityForTest({ merchants: ['M-BIG'], options: { cascade: { batchSize: 8, perTransaction: 20 } } }), (pq) => ({ sut, client, events } = pq));

  it('bans the first share in the consumer and the rest in durable jobs, then lifts them all on reinstatement', async () => {
    await seedCatalogue(sut.db, 'M-BIG', 50);
    // The operator who removed the merchant: every ban, the consumer's and the jobs', names them (issue 12).
    const olga = { subject: 'olga', kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: '' };
    const removed = removal(sut, 'M-BIG');
    removed.meta = { ...removed.meta, actor: olga };
    await sut.publish(MerchantRemovedEvent, removed);
    await consumed(sut, removed.meta.eventId);
    await events.waitFor(ProductBannedEvent, 20);
    expect(await sut.runDueJobs()).toBe(1);
    expect(await sut.runDueJobs()).toBe(1);
    expect(await sut.runDueJobs()).toBe(0);
    const banned = await events.waitFor(ProductBannedEvent, 50);
    expect(new Set(banned.map((b) => b.productId)).size).toBe(50);
    expect(banned.map((b) => b.meta?.actor)).toEqual(banned.map(() => olga));
    expect(new Set(banned.map((b) => b.meta?.correlationId))).toEqual(new Set([removed.meta.correlationId]));

    const reinstated = {
      meta: meta(sut),
      merchantId: 'M-BIG',
      cause: ReinstatementCause.REINSTATEMENT_CAUSE_APPEAL_OVERTURNED,
      sanctionId: 'S-M-BIG',
      status: MerchantStatus.MERCHANT_STATUS_ACTIVE,
      activePoints: 0,
      appealId: 'AP-1',
    };
    await sut.publish(MerchantReinstatedEvent, reinstated);
    const unbanned = await events.waitFor(ProductUnbannedEvent, 50);
    expect(unbanned.every((u) => u.cause === UnbanCause.UNBAN_CAUSE_MERCHANT_REINSTATED)).toBe(true);
    // A reinstatement event without an actor: the service acts as itself.
    expect(new Set(unbanned.map((u) => u.meta?.actor?.subject))).toEqual(new Set(['spiffe://govern/product-quality']));
    const active = await client.listProducts({ pageSize: 100, pageToken: '', merchantId: 'M-BIG', categoryCode: '', status: ProductStatus.PRODUCT_STATUS_ACTIVE, tier: 0 });
    expect(active.products).toHaveLength(50);
  });
});
