import type { MerchantRow, StoreExperienceScoreRow } from '@govern/merchant-access-data-access';
import { evaluateAffiliateEligibility, isSanctionedStatus, type AffiliateEligibility, type MerchantStatus } from '@govern/merchant-access-domain';
import { keysetAfter } from '@govern/platform-db';
import { keysetPage, timeIdPageToken, type KeysetPage } from '@govern/platform-grpc';
import { notFound } from '@govern/policy-core';
import { loadStandings, readStandings, standingViewOf, type StandingReads, type StandingView } from '../adapters/prisma-standing.repository';
import type { StandingLookup } from '../adapters/standing-lookup';
import type { Db } from '../adapters/records';
import { storedScoreOf } from '../mapping/resources';

/** A merchant as the contract shows it: its row, its standing at a time and its latest score. */
export interface MerchantView {
  row: MerchantRow;
  standing: StandingView;
  score: number;
}

/** Views of many merchants at `at`, in set-based queries. */
export const merchantViews = async (db: Db, rows: readonly MerchantRow[], at: Date): Promise<MerchantView[]> => {
  const ids = rows.map((r) => r.id);
  const [standings, scores] = await Promise.all([loadStandings(db, ids, at), db.storeExperienceScore.findMany({ where: { merchantId: { in: ids } } })]);
  const scoreOf = new Map(scores.map((s) => [s.merchantId, s]));
  return rows.map((row) => {
    const standing = standings.get(row.id);
    if (!standing) throw new Error(`no standing computed for ${row.id}`);
    return { row, standing, score: storedScoreOf(scoreOf.get(row.id), at).score };
  });
};

/**
 * The view of a merchant this unit just created: no violation, sanction or score can name it yet,
 * so it is what `merchantViews` would read, without the reads.
 */
export const newMerchantView = (row: MerchantRow, at: Date): MerchantView => ({
  row,
  standing: standingViewOf(row.id, [], [], at),
  score: storedScoreOf(undefined, at).score,
});

export const merchantNotFound = (merchantId: string) => notFound('MERCHANT.NOT_FOUND', `no merchant ${merchantId}`, { merchant_id: merchantId });

/** Throws NOT_FOUND unless the merchant exists. */
export const requireMerchant = async (db: Db, merchantId: string): Promise<MerchantRow> => {
  const row = await db.merchant.findUnique({ where: { id: merchantId } });
  if (!row) throw merchantNotFound(merchantId);
  return row;
};

export const getMerchant = async (db: Db, merchantId: string, at: Date): Promise<MerchantView> => {
  const [view] = await merchantViews(db, [await requireMerchant(db, merchantId)], at);
  if (!view) throw merchantNotFound(merchantId);
  return view;
};

export interface ListMerchantsQuery {
  pageSize: number;
  /** The (onboarded_at, id) of the last merchant of the previous page. */
  after?: [Date, string] | undefined;
  status?: MerchantStatus | undefined;
  affiliateEligible?: boolean | undefined;
  at: Date;
}

/** Merchants oldest first, keyset-paged by (onboarded_at, id). */
export const listMerchants = async (db: Db, query: ListMerchantsQuery): Promise<KeysetPage<MerchantView>> => {
  const rows = await db.merchant.findMany({
    where: {
      ...(query.status ? { status: query.status } : {}),
      ...(query.affiliateEligible === undefined ? {} : { affiliateEligible: query.affiliateEligible }),
      ...keysetAfter({ time: 'onboardedAt', id: 'id', direction: 'oldestFirst' }, query.after),
    },
    orderBy: [{ onboardedAt: 'asc' }, { id: 'asc' }],
    take: query.pageSize + 1,
  });
  const page = keysetPage(rows, query.pageSize, timeIdPageToken, (last) => [last.onboardedAt, last.id]);
  return { items: await merchantViews(db, page.items, query.at), nextPageToken: page.nextPageToken };
};

/** Standing now; one round trip, shared with the lookups that arrive with it (see coalescedStandingLookup). */
export const getMerchantStanding = async (standings: StandingLookup, merchantId: string): Promise<StandingView> => {
  const view = await standings.get(merchantId);
  if (!view) throw merchantNotFound(merchantId);
  return view;
};

/** Standings of known merchants in request order (repeats once), and the ids no merchant has. */
export const batchGetMerchantStandings = async (
  reads: StandingReads,
  merchantIds: readonly string[],
  at: Date,
): Promise<{ standings: StandingView[]; missing: string[] }> => {
  const ids = [...new Set(merchantIds)];
  const found = await readStandings(reads, ids, at);
  const standings: StandingView[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const view = found.get(id);
    if (view) standings.push(view);
    else missing.push(id);
  }
  return { standings, missing };
};

export const getStoreExperienceScore = async (db: Db, merchantId: string): Promise<StoreExperienceScoreRow | null> => {
  await requireMerchant(db, merchantId);
  return db.storeExperienceScore.findUnique({ where: { merchantId } });
};

export interface AffiliateEligibilityView {
  eligibility: AffiliateEligibility;
  score: number;
  sanctioned: boolean;
}

/** Whether a merchant may be in the affiliate programme at `at`, from its standing and stored score. */
export const getAffiliateEligibility = async (db: Db, merchantId: string, at: Date): Promise<AffiliateEligibilityView> => {
  await requireMerchant(db, merchantId);
  const [standings, scoreRow] = await Promise.all([loadStandings(db, [merchantId], at), db.storeExperienceScore.findUnique({ where: { merchantId } })]);
  const status = standings.get(merchantId)?.standing.status ?? 'ACTIVE';
  const score = storedScoreOf(scoreRow, at).score;
  return { eligibility: evaluateAffiliateEligibility({ storeExperienceScore: score, status }), score, sanctioned: isSanctionedStatus(status) || status === 'REMOVED' };
};
