import type { CreditDeductionRow, PenaltyRow } from '@govern/content-data-access';
import { appealDeadline, type Severity, type Tier } from '@govern/content-domain';
import { ContentPenalisedEvent } from '@govern/contracts-content';
import type { PolicyRef, Reason } from '@govern/policy-core';
import { penaltyActionToProto, penaltySourceToProto, severityToProto, type ContentKindName, type PenaltyActionName, type PenaltySourceName } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { recordDeduction, syncCreatorStanding } from './creator-standing';
import type { Work } from './work';

export interface PenaltySpec {
  creatorId: string;
  contentId?: string | undefined;
  contentKind?: ContentKindName | undefined;
  livestreamId?: string | undefined;
  action: PenaltyActionName;
  severity: Severity;
  /** Severity the credit deduction is charged for; none when the penalty costs no credit. */
  creditSeverity?: Severity | undefined;
  source: PenaltySourceName;
  previousTier?: Tier | undefined;
  appliedTier?: Tier | undefined;
  unlinkedProductIds?: readonly string[];
  violationKeys?: readonly string[];
  /** The upstream fact the penalty follows (`product:<id>`, `merchant:<id>`); it is lifted when that fact goes. */
  causeRef?: string | undefined;
  reasons: Reason[];
  policy: PolicyRef;
}

export interface ImposedPenalty {
  penalty: PenaltyRow;
  deduction: CreditDeductionRow | undefined;
}

/**
 * Imposes one appealable penalty: the record of what it did (so an overturn undoes exactly
 * that), the credit deduction with its expiry timer, the penalised event, and the creator's
 * new standing with its own events.
 */
export const imposePenalty = async (work: Work, spec: PenaltySpec): Promise<ImposedPenalty> => {
  const { now } = work;
  const id = work.newId();
  const deduction = spec.creditSeverity
    ? await recordDeduction(work, { creatorId: spec.creatorId, penaltyId: id, severity: spec.creditSeverity, source: spec.source, reasons: spec.reasons })
    : undefined;
  const deadline = spec.source === 'CASCADE' ? null : appealDeadline({ imposedAt: now }, work.policy);
  const penalty = await work.tx.penalty.create({
    data: {
      id,
      creatorId: spec.creatorId,
      contentId: spec.contentId ?? null,
      livestreamId: spec.livestreamId ?? null,
      contentKind: spec.contentKind ?? null,
      action: spec.action,
      severity: spec.severity,
      creditPoints: deduction?.points ?? 0,
      source: spec.source,
      previousTier: spec.previousTier ?? null,
      appliedTier: spec.appliedTier ?? null,
      unlinkedProductIds: toJson(spec.unlinkedProductIds ?? []),
      deductionIds: toJson(deduction ? [deduction.id] : []),
      violationKeys: toJson(spec.violationKeys ?? []),
      reasons: toJson(spec.reasons),
      policyName: spec.policy.name,
      policyVersion: spec.policy.version,
      state: 'ACTIVE',
      causeRef: spec.causeRef ?? null,
      imposedAt: now,
      appealDeadline: deadline,
    },
  });
  work.emit(ContentPenalisedEvent, {
    contentId: spec.contentId ?? '',
    creatorId: spec.creatorId,
    penaltyId: id,
    action: penaltyActionToProto(spec.action),
    severity: severityToProto(spec.severity),
    creditPoints: penalty.creditPoints,
    source: penaltySourceToProto(spec.source),
    unlinkedProductIds: [...(spec.unlinkedProductIds ?? [])],
    reasons: spec.reasons,
    policy: spec.policy,
    livestreamId: spec.livestreamId ?? '',
    appealDeadline: deadline ?? undefined,
  });
  if (deduction) await syncCreatorStanding(work, spec.creatorId, 'DEDUCTION', { deductionId: deduction.id, reasons: spec.reasons });
  return { penalty, deduction };
};
