import type { AfterSaleRow, CareCaseRow, ConsumerExperienceTx } from '@govern/consumer-experience-data-access';
import type { Window } from '@govern/consumer-experience-domain';
import { keysetAfter, sql, type Sql, rowFromSql } from '@govern/platform-db';
import { keysetPage, timeIdPageToken, type KeysetPage } from '@govern/platform-grpc';
import type { Page } from './lists.queries';
import { sentAhead } from './sql-rows';

/**
 * New-buyer care (issue 19): the buyer's history that decides whether an order is a new buyer's,
 * and the care cases (plain SQL for the timers, Prisma for the reads of the RPCs).
 */

/** Open cases of new buyers' orders among `orderIds` not yet at their step-in bound (a recheck may resolve them), in lock order. */
export const openCareCasesBeforeStepIn = (db: Sql, orderIds: readonly string[], now: Date): Promise<CareCaseRef[]> =>
  careCaseRefs(
    db.query<{ case_id: string; order_id: string }>(sql`
      SELECT c.case_id, c.order_id FROM care_cases c JOIN orders o ON o.order_id = c.order_id
       WHERE c.order_id = ANY(${[...new Set(orderIds)]}::text[]) AND c.status = 'OPEN' AND o.new_buyer
         AND c.step_in_due_at > ${now}::timestamptz
       ORDER BY c.order_id, c.case_id`),
  );

/**
 * The same for the order a parcel belongs to: sent right behind lockParcel, in its write, so a scan
 * of a new buyer's parcel learns the cases to recheck without a round trip of its own (and reads
 * them under the order's lock, which the statement before it took).
 */
export const openCareCasesOfParcel = (db: Sql, trackingNumber: string, now: Date): Promise<CareCaseRef[]> =>
  careCaseRefs(
    db.query<{ case_id: string; order_id: string }>(sql`
      SELECT c.case_id, c.order_id FROM care_cases c JOIN orders o ON o.order_id = c.order_id
       WHERE c.order_id = (SELECT order_id FROM shipments WHERE tracking_number = ${trackingNumber}) AND c.status = 'OPEN' AND o.new_buyer
         AND c.step_in_due_at > ${now}::timestamptz
       ORDER BY c.case_id`),
  );

/** An open care case of a new buyer's order, before its step-in bound: one a merchant's move may resolve. */
export interface CareCaseRef {
  caseId: string;
  orderId: string;
}

/** Sent ahead of need: the order may turn out not to be a new buyer's, or the unit may refuse first. */
const careCaseRefs = (rows: Promise<{ case_id: string; order_id: string }[]>): Promise<CareCaseRef[]> =>
  sentAhead(rows.then((found) => found.map((r) => ({ caseId: r.case_id, orderId: r.order_id }))));

/** The buyer's first `limit` orders by payment: how many came before (up to the limit) and when the first was paid. */
export const buyerFirstOrders = async (db: Sql, buyerId: string, limit: number): Promise<{ count: number; firstPaidAt: Date | undefined }> => {
  const rows = await db.query<{ paid_at: Date }>(sql`SELECT paid_at FROM orders WHERE buyer_id = ${buyerId} ORDER BY paid_at LIMIT ${Math.max(1, limit)}`);
  return { count: rows.length, firstPaidAt: rows[0]?.paid_at };
};

/** Whether the buyer's latest order (by payment) was a new buyer's; undefined when the buyer has none. */
export const latestOrderNewBuyer = async (db: Sql, buyerId: string): Promise<boolean | undefined> => {
  const [row] = await db.query<{ new_buyer: boolean }>(sql`SELECT new_buyer FROM orders WHERE buyer_id = ${buyerId} ORDER BY paid_at DESC LIMIT 1`);
  return row?.new_buyer;
};

export interface NewCareCase {
  caseId: string;
  watchKey: string;
  orderId: string;
  buyerId: string;
  merchantId: string;
  kind: string;
  afterSaleId: string | null;
  openedAt: Date;
  stepInDueAt: Date;
  steps: unknown;
  policyName: string;
  policyVersion: string;
}

/**
 * Opens a case for a watch, sent without waiting (given the unit's `withEffectsSql`, inside its effects
 * statement). The caller read that the watch has no case yet under the order's lock, which every
 * opening holds; a case there anyway fails the unit on the unique watch key rather than nudging twice.
 */
export const insertCareCase = (db: Pick<Sql, 'send'>, c: NewCareCase): void => {
  db.send(sql`
    INSERT INTO care_cases (case_id, watch_key, order_id, buyer_id, merchant_id, kind, after_sale_id, status, opened_at, step_in_due_at,
                            steps, policy_name, policy_version, created_at, updated_at)
    VALUES (${c.caseId}, ${c.watchKey}, ${c.orderId}, ${c.buyerId}, ${c.merchantId}, ${c.kind}, ${c.afterSaleId}::text, 'OPEN',
            ${c.openedAt}::timestamptz, ${c.stepInDueAt}::timestamptz, ${JSON.stringify(c.steps)}::jsonb, ${c.policyName}, ${c.policyVersion},
            ${c.openedAt}::timestamptz, ${c.openedAt}::timestamptz)`);
};

/** Locks a case (after its order: orders before cases, one lock order everywhere). */
export const lockCareCase = (db: Sql, caseId: string): Promise<CareCaseRow | undefined> =>
  // Sent ahead of need (behind the order's lock, awaited after it).
  sentAhead(db.query(sql`SELECT * FROM care_cases WHERE case_id = ${caseId} FOR UPDATE`).then(([row]) => (row ? rowFromSql<CareCaseRow>(row) : undefined)));

/** A case as it stands, without a lock: what a timer checks before taking the order's lock. */
export const readCareCase = async (db: Sql, caseId: string): Promise<CareCaseRow | undefined> => {
  const [row] = await db.query(sql`SELECT * FROM care_cases WHERE case_id = ${caseId}`);
  return row ? rowFromSql<CareCaseRow>(row) : undefined;
};

/** Writes a locked case's resolution, sent without waiting (pipelined: a later statement of the unit sees it). */
export const resolveCareCase = (
  db: Pick<Sql, 'send'>,
  caseId: string,
  c: { status: string; resolvedAt: Date; compensationId: string | null; paidFen: bigint; steps: unknown },
): void => {
  db.send(sql`
    UPDATE care_cases
       SET status = ${c.status}, resolved_at = ${c.resolvedAt}::timestamptz, compensation_id = ${c.compensationId}::text,
           paid_fen = ${c.paidFen}::bigint, steps = ${JSON.stringify(c.steps)}::jsonb, updated_at = ${c.resolvedAt}::timestamptz
     WHERE case_id = ${caseId}`);
};

/** What the care rules read of a watched order besides the order itself (see `careReads`). */
export interface CareReads {
  /** The watched after-sale (the watch's, else the case's); null without one. */
  afterSale: AfterSaleRow | null;
  /** When the after-sale's return parcel shipped: the anchor of an unsettled return fee. */
  returnShippedAt: Date | undefined;
  /** Whether the order's forward parcel had its first scan. */
  forwardScanned: boolean;
  /** Whether the watch (`watchKey`) already has a case. */
  watchTaken: boolean;
}

const CARE_READ_COLUMNS = ['care_return_shipped_at', 'care_forward_first_scan_at', 'care_watch_taken'] as const;

/** The statement of careReads. */
const readCare = async (
  db: Sql,
  subject: { orderId: string; afterSaleId?: string | null | undefined; caseId?: string | undefined; watchKey?: string | undefined },
): Promise<CareReads> => {
  const afterSaleId = subject.caseId
    ? sql`(SELECT after_sale_id FROM care_cases WHERE case_id = ${subject.caseId})`
    : sql`${subject.afterSaleId ?? null}::text`;
  const [row] = await db.query(sql`
    SELECT a.*,
           (SELECT s.shipped_at FROM shipments s WHERE s.after_sale_id = a.after_sale_id AND s.kind = 'RETURN' LIMIT 1) AS care_return_shipped_at,
           (SELECT s.first_scan_at FROM shipments s WHERE s.order_id = ${subject.orderId} AND s.kind = 'FORWARD' LIMIT 1) AS care_forward_first_scan_at,
           EXISTS (SELECT 1 FROM care_cases WHERE watch_key = ${subject.watchKey ?? null}::text) AS care_watch_taken
      FROM (SELECT 1) AS one LEFT JOIN after_sales a ON a.after_sale_id = ${afterSaleId}`);
  if (!row) throw new Error('the care reads returned no row');
  const afterSale: Record<string, unknown> = { ...row };
  for (const column of CARE_READ_COLUMNS) delete afterSale[column];
  return {
    afterSale: row.after_sale_id === null ? null : rowFromSql<AfterSaleRow>(afterSale),
    returnShippedAt: (row.care_return_shipped_at as Date | null) ?? undefined,
    forwardScanned: row.care_forward_first_scan_at !== null,
    watchTaken: row.care_watch_taken === true,
  };
};

/**
 * Everything a care step reads besides the order, in one statement: the after-sale (given, or the
 * case's), its return parcel's shipping time, the forward parcel's first scan, whether the watch
 * has a case. Sent right behind the order's (and case's) lock without waiting for it: the server
 * runs it once the locks are held, on a snapshot taken then, so it sees what the lock holders before
 * committed, as a read after the lock's answer would. Sent ahead of need (see sentAhead).
 */
export const careReads = (
  db: Sql,
  subject: { orderId: string; afterSaleId?: string | null | undefined; caseId?: string | undefined; watchKey?: string | undefined },
): Promise<CareReads> => sentAhead(readCare(db, subject));

/** Care cases opened and resolved in a window, for the governance report. */
export const careFigures = async (db: Sql, window: Window): Promise<{ opened: number; resolved: number; resolvedByPlatform: number }> => {
  const start = sql`${window.start}::timestamptz`;
  const end = sql`${window.end}::timestamptz`;
  const [row] = await db.query<{ opened: bigint; resolved: bigint; by_platform: bigint }>(sql`
    SELECT (SELECT count(*) FROM care_cases WHERE opened_at >= ${start} AND opened_at < ${end}) AS opened,
           count(*) AS resolved,
           count(*) FILTER (WHERE status = 'RESOLVED_BY_PLATFORM') AS by_platform
      FROM care_cases WHERE resolved_at >= ${start} AND resolved_at < ${end}`);
  return { opened: Number(row?.opened ?? 0n), resolved: Number(row?.resolved ?? 0n), resolvedByPlatform: Number(row?.by_platform ?? 0n) };
};

export const findCareCase = (tx: ConsumerExperienceTx, caseId: string): Promise<CareCaseRow | null> => tx.careCase.findUnique({ where: { caseId } });

export interface CareCaseFilter {
  orderId?: string | undefined;
  buyerId?: string | undefined;
  merchantId?: string | undefined;
}

/** Care cases newest first, keyset pages over (opened_at, case_id) like the other List RPCs. */
export const listCareCases = async (tx: ConsumerExperienceTx, filter: CareCaseFilter, page: Page): Promise<KeysetPage<CareCaseRow>> => {
  const rows = await tx.careCase.findMany({
    where: {
      ...(filter.orderId ? { orderId: filter.orderId } : {}),
      ...(filter.buyerId ? { buyerId: filter.buyerId } : {}),
      ...(filter.merchantId ? { merchantId: filter.merchantId } : {}),
      ...keysetAfter({ time: 'openedAt', id: 'caseId', direction: 'newestFirst' }, page.after),
    },
    orderBy: [{ openedAt: 'desc' }, { caseId: 'desc' }],
    take: page.size + 1,
  });
  return keysetPage(rows, page.size, timeIdPageToken, (last) => [last.openedAt, last.caseId]);
};
