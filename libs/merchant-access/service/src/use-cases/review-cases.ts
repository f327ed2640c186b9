import { MerchantApplicationRejectedEvent } from '@govern/contracts-merchant-access';
import type { ApplicationRow, Prisma, ReviewCaseRow } from '@govern/merchant-access-data-access';
import {
  claimReviewCase as claimCase,
  decideReviewCase as decideCase,
  describePath,
  type GraphIdentifier,
  type IdentifierKind,
  type MerchantTerms,
  type ReviewCaseKind,
  type ReviewCaseStatus,
} from '@govern/merchant-access-domain';
import { keysetAfter } from '@govern/platform-db';
import { keysetPage, timeIdPageToken, type KeysetPage } from '@govern/platform-grpc';
import { failedPrecondition, notFound, reason } from '@govern/policy-core';
import { lockReviewCase, reviewCaseStateOf, type Db } from '../adapters/records';
import type { MerchantAccessDeps, Work } from '../deps';
import type { ReviewDecisionName } from '../mapping/enums';
import { reasonsOf, stringsOf, toJson } from '../mapping/json';
import { policyToProto, reasonsToProto } from '../mapping/resources';
import { merchantViews, type MerchantView } from './merchants';
import { onboardMerchant, reviewerTerms } from './onboarding';

/** Locks a case for the rest of the transaction and reads it; NOT_FOUND when unknown. */
export const lockedReviewCase = async (work: Work, caseId: string): Promise<ReviewCaseRow> => {
  await lockReviewCase(work.sql, caseId);
  const row = await work.tx.reviewCase.findUnique({ where: { id: caseId } });
  if (!row) throw notFound('REVIEW_CASE.NOT_FOUND', `no review case ${caseId}`, { case_id: caseId });
  return row;
};

export const getReviewCase = async (db: Db, caseId: string): Promise<ReviewCaseRow> => {
  const row = await db.reviewCase.findUnique({ where: { id: caseId } });
  if (!row) throw notFound('REVIEW_CASE.NOT_FOUND', `no review case ${caseId}`, { case_id: caseId });
  return row;
};

export interface ListReviewCasesQuery {
  pageSize: number;
  /** The (sla_due_at, id) of the last case of the previous page. */
  after?: [Date, string] | undefined;
  status?: ReviewCaseStatus | undefined;
  kind?: ReviewCaseKind | undefined;
  assigneeId?: string | undefined;
  overdueOnly: boolean;
  at: Date;
}

/** The reviewers' queue: the nearest SLA first. */
export const listReviewCases = async (db: Db, query: ListReviewCasesQuery): Promise<KeysetPage<ReviewCaseRow>> => {
  const where: Prisma.ReviewCaseWhereInput = {
    ...(query.status ? { status: query.status } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.assigneeId ? { assigneeId: query.assigneeId } : {}),
    ...(query.overdueOnly ? { status: query.status ?? { not: 'DECIDED' }, slaDueAt: { lte: query.at } } : {}),
    ...keysetAfter({ time: 'slaDueAt', id: 'id', direction: 'oldestFirst' }, query.after),
  };
  const rows = await db.reviewCase.findMany({ where, orderBy: [{ slaDueAt: 'asc' }, { id: 'asc' }], take: query.pageSize + 1 });
  return keysetPage(rows, query.pageSize, timeIdPageToken, (last) => [last.slaDueAt, last.id]);
};

export const claimReviewCase = async (work: Work, command: { caseId: string; reviewerId: string }): Promise<ReviewCaseRow> => {
  const row = await lockedReviewCase(work, command.caseId);
  const claimed = claimCase(reviewCaseStateOf(row), command.reviewerId, work.now);
  return work.tx.reviewCase.update({
    where: { id: row.id },
    data: { status: claimed.status, assigneeId: claimed.assigneeId ?? null, claimedAt: claimed.claimedAt ?? null },
  });
};

export interface DecideReviewCaseCommand {
  caseId: string;
  reviewerId: string;
  decision: ReviewDecisionName;
  note: string;
}

export interface ReviewCaseDecided {
  reviewCase: ReviewCaseRow;
  application: ApplicationRow;
  /** The merchant an approval created, with its terms. */
  merchant?: { view: MerchantView; terms: MerchantTerms } | undefined;
}

/**
 * A reviewer's decision on an application case: an approval onboards the merchant (unless the
 * applicant became linked to a removed merchant while the case waited, or no category applied
 * for can be approved), a rejection publishes MerchantApplicationRejected.
 */
export const decideReviewCase = async (work: Work, deps: Pick<MerchantAccessDeps, 'ring'>, command: DecideReviewCaseCommand): Promise<ReviewCaseDecided> => {
  const { tx, now } = work;
  const { decision, reviewerId } = command;
  const caseRow = await lockedReviewCase(work, command.caseId);
  if (caseRow.kind !== 'APPLICATION' || !caseRow.applicationId) {
    throw failedPrecondition('REVIEW_CASE.WRONG_KIND', 'appeal cases are decided with DecideAppeal', { case_id: caseRow.id, subject: caseRow.id });
  }
  const decided = decideCase(reviewCaseStateOf(caseRow), reviewerId, now);
  const application = await tx.application.findUniqueOrThrow({ where: { id: caseRow.applicationId }, include: { identifiers: true } });
  const reviewerReason = reason(`MERCHANT.REVIEW.${decision}`, `review case ${caseRow.id} decided ${decision} by ${reviewerId}`, {
    case_id: caseRow.id,
    reviewer_id: reviewerId,
    sla_breached: String(decided.slaBreached),
  });
  const reasons = [...reasonsOf(application.reasons), reviewerReason];
  const policy = { name: application.policyName, version: application.policyVersion };

  let merchant: ReviewCaseDecided['merchant'];
  if (decision === 'APPROVE' || decision === 'APPROVE_WITH_RESTRICTIONS') {
    const identifiers: GraphIdentifier[] = application.identifiers.map((i) => ({ kind: i.kind as IdentifierKind, key: i.hash }));
    // The graph may have changed while the case waited: a merchant linked since then may have been removed.
    await deps.ring.catchUp(tx);
    const critical = deps.ring.check(identifiers).links.find((l) => l.status === 'REMOVED');
    if (critical) {
      throw failedPrecondition('REVIEW_CASE.RING_REMOVED', `the applicant is now linked to removed merchant ${critical.merchantId}`, {
        case_id: caseRow.id,
        subject: caseRow.applicationId,
        merchant_id: critical.merchantId,
        path: describePath(critical),
      });
    }
    const terms = reviewerTerms(decision, stringsOf(application.approvableCategoryCodes));
    if (terms.approvedCategoryCodes.length === 0) {
      throw failedPrecondition('REVIEW_CASE.NO_APPROVABLE_CATEGORY', 'no category applied for can be approved with the qualifications submitted', {
        case_id: caseRow.id,
        subject: caseRow.applicationId,
      });
    }
    const row = onboardMerchant(work, {
      merchantId: work.newId(),
      application,
      band: decision,
      terms,
      identifiers,
      riskScore: application.riskScore,
      reasons,
      policy,
    });
    const [view] = await merchantViews(tx, [row], now);
    if (view) merchant = { view, terms };
  } else {
    work.emit(MerchantApplicationRejectedEvent, {
      applicationId: application.id,
      riskScore: application.riskScore,
      reasons: reasonsToProto(reasons),
      policy: policyToProto(policy),
      ringLink: false,
      reviewCaseId: caseRow.id,
    });
  }

  const updatedApplication = await tx.application.update({
    where: { id: application.id },
    data: { status: merchant ? 'APPROVED' : 'REJECTED', closedAt: now, merchantId: merchant?.view.row.id ?? null, reasons: toJson(reasons) },
  });
  const updatedCase = await tx.reviewCase.update({
    where: { id: caseRow.id },
    data: { status: decided.reviewCase.status, decidedAt: now, reviewDecision: decision, note: command.note, slaBreached: decided.slaBreached },
  });
  return { reviewCase: updatedCase, application: updatedApplication, merchant };
};
