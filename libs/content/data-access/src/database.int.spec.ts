import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemaWithDatabase } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { connectContentDatabase, ContentMigrations, type ContentDatabase } from './database';

describe('content database', () => {
  let db: TestDatabase;
  let conn: ContentDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: ContentMigrations, prefix: 'content_schema' });
    conn = connectContentDatabase({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('a fresh database migrates offline and agrees with the Prisma schema', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
  });

  it('round-trips a content item with its links, assessment, penalty, appeal and livestream', async () => {
    const prisma = conn.client;
    const at = new Date('2026-11-01T00:00:00Z');
    await prisma.contentItem.create({
      data: {
        contentId: 'v-1',
        kind: 'SHORT_VIDEO',
        creatorId: 'cr-1',
        title: 'Linen shirt',
        captions: 'After ten washes',
        transcript: 'Hello',
        mediaFingerprint: 'fp-1',
        tier: 'STANDARD',
        trafficWeight: 1,
        engagement: { views: 10, completionRate: 0.5, likes: 1, comments: 0, shares: 0 },
        attributionOrders: 9_007_199_254_740_993n,
        createdAt: at,
        updatedAt: at,
        productLinks: { create: [{ productId: 'p-1', merchantId: 'm-1', position: 0, state: 'ACTIVE', updatedAt: at, itemCreatedAt: at }] },
        assessments: {
          create: [
            {
              id: 'a-1',
              trigger: 'PUBLISH',
              violations: [],
              quality: { overall: 70 },
              tier: 'STANDARD',
              trafficWeight: 1,
              reasons: [{ code: 'CONTENT.TIER.SCORE', message: 'ok', evidence: {}, weight: 0 }],
              policyName: 'content-governance',
              policyVersion: 'v',
              assessedAt: at,
            },
          ],
        },
      },
    });
    await prisma.penalty.create({
      data: {
        id: 'pen-1',
        creatorId: 'cr-1',
        contentId: 'v-1',
        contentKind: 'SHORT_VIDEO',
        action: 'LIMITED',
        severity: 'HIGH',
        creditPoints: 6,
        source: 'ASSESSMENT',
        previousTier: 'STANDARD',
        appliedTier: 'LIMITED',
        unlinkedProductIds: [],
        deductionIds: ['d-1'],
        violationKeys: ['claim:title:ABSOLUTE:best'],
        reasons: [],
        policyName: 'content-governance',
        policyVersion: 'v',
        state: 'ACTIVE',
        imposedAt: at,
        appealDeadline: at,
        appeals: { create: [{ id: 'ap-1', creatorId: 'cr-1', statement: 'not a claim', evidenceRefs: ['s3://e/1'], state: 'PENDING', policyName: 'p', policyVersion: 'v', filedAt: at }] },
      },
    });
    await prisma.contentItem.create({
      data: { contentId: 'ls-1', kind: 'LIVESTREAM', creatorId: 'cr-1', livestreamId: 'ls-1', title: 'Live', captions: '', transcript: '', tier: 'STANDARD', trafficWeight: 1, createdAt: at, updatedAt: at },
    });
    await prisma.livestream.create({
      data: {
        livestreamId: 'ls-1',
        contentId: 'ls-1',
        creatorId: 'cr-1',
        title: 'Live',
        state: 'LIVE',
        level: 'NONE',
        trafficWeight: 1,
        warnings: 0,
        lastClientSequence: 0n,
        reasons: [],
        snapshot: { level: 'NONE', lastSequence: 0, warnings: 0, strikes: [] },
        policyName: 'p',
        policyVersion: 'v',
        startedAt: at,
        updatedAt: at,
      },
    });

    const item = await prisma.contentItem.findUniqueOrThrow({ where: { contentId: 'v-1' }, include: { productLinks: true, assessments: true } });
    expect(item.attributionOrders).toBe(9_007_199_254_740_993n);
    expect(item.productLinks).toMatchObject([{ productId: 'p-1', state: 'ACTIVE' }]);
    expect(item.assessments[0]?.reasons).toEqual([{ code: 'CONTENT.TIER.SCORE', message: 'ok', evidence: {}, weight: 0 }]);
    const penalty = await prisma.penalty.findUniqueOrThrow({ where: { id: 'pen-1' }, include: { appeals: true } });
    expect(penalty.violationKeys).toEqual(['claim:title:ABSOLUTE:best']);
    expect(penalty.appeals[0]?.evidenceRefs).toEqual(['s3://e/1']);
    const live = await prisma.livestream.findUniqueOrThrow({ where: { livestreamId: 'ls-1' }, include: { contentItem: true } });
    expect(live.contentItem.kind).toBe('LIVESTREAM');
  });
});
