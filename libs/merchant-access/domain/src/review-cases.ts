import { failedPrecondition, ValidationError } from '@govern/policy-core';
import { REVIEW_POLICY, type ReviewPolicy } from './policies/review.policy';

export type ReviewCaseKind = 'APPLICATION' | 'APPEAL';
export type ReviewCaseStatus = 'OPEN' | 'CLAIMED' | 'DECIDED';

export interface ReviewCaseState {
  id: string;
  kind: ReviewCaseKind;
  /** The application or appeal under review. */
  subjectId: string;
  status: ReviewCaseStatus;
  openedAt: Date;
  slaDueAt: Date;
  assigneeId?: string | undefined;
  claimedAt?: Date | undefined;
  decidedAt?: Date | undefined;
}

/** A new case in the queue, due `caseSlaMs` (72 h) after it opens. */
export const openReviewCase = (
  id: string,
  kind: ReviewCaseKind,
  subjectId: string,
  openedAt: Date,
  policy: ReviewPolicy = REVIEW_POLICY,
): ReviewCaseState => ({
  id,
  kind,
  subjectId,
  status: 'OPEN',
  openedAt,
  slaDueAt: new Date(openedAt.getTime() + policy.caseSlaMs),
});

/** Past its SLA: still undecided at or after the due time, or decided after it. */
export const isOverdue = (reviewCase: ReviewCaseState, at: Date): boolean => {
  const due = reviewCase.slaDueAt.getTime();
  return reviewCase.decidedAt ? reviewCase.decidedAt.getTime() > due : at.getTime() >= due;
};

/** Time left before the SLA is breached (negative once overdue). */
export const slaRemainingMs = (reviewCase: ReviewCaseState, at: Date): number => reviewCase.slaDueAt.getTime() - at.getTime();

const meta = (c: ReviewCaseState): Record<string, string> => ({ case_id: c.id, status: c.status, assignee_id: c.assigneeId ?? '' });

/** Claims a case for a reviewer. Claiming one's own case again changes nothing. */
export const claimReviewCase = (reviewCase: ReviewCaseState, reviewerId: string, at: Date): ReviewCaseState => {
  if (!reviewerId.trim()) throw new ValidationError([{ field: 'reviewer_id', description: 'is required', reason: 'REQUIRED' }]);
  if (reviewCase.status === 'DECIDED') throw failedPrecondition('REVIEW_CASE.ALREADY_DECIDED', 'the case is already decided', meta(reviewCase));
  if (reviewCase.status === 'CLAIMED') {
    if (reviewCase.assigneeId === reviewerId) return reviewCase;
    throw failedPrecondition('REVIEW_CASE.CLAIMED_BY_OTHER', 'another reviewer has claimed the case', meta(reviewCase));
  }
  return { ...reviewCase, status: 'CLAIMED', assigneeId: reviewerId, claimedAt: at };
};

/** Closes a case. Only its assignee may decide it; `slaBreached` tells whether it was late. */
export const decideReviewCase = (
  reviewCase: ReviewCaseState,
  reviewerId: string,
  at: Date,
): { reviewCase: ReviewCaseState; slaBreached: boolean } => {
  if (reviewCase.status === 'DECIDED') throw failedPrecondition('REVIEW_CASE.ALREADY_DECIDED', 'the case is already decided', meta(reviewCase));
  if (reviewCase.status !== 'CLAIMED') throw failedPrecondition('REVIEW_CASE.NOT_CLAIMED', 'claim the case before deciding it', meta(reviewCase));
  if (reviewCase.assigneeId !== reviewerId) {
    throw failedPrecondition('REVIEW_CASE.CLAIMED_BY_OTHER', 'only the reviewer who claimed the case may decide it', meta(reviewCase));
  }
  const decided: ReviewCaseState = { ...reviewCase, status: 'DECIDED', decidedAt: at };
  return { reviewCase: decided, slaBreached: isOverdue(decided, at) };
};

/** Queue order: earliest due first, then oldest. */
export const byQueueOrder = (a: ReviewCaseState, b: ReviewCaseState): number =>
  a.slaDueAt.getTime() - b.slaDueAt.getTime() || a.openedAt.getTime() - b.openedAt.getTime() || a.id.localeCompare(b.id);
