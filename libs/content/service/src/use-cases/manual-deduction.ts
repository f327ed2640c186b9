import { policyRef, type Severity } from '@govern/content-domain';
import { DomainError, notFound, reason, ValidationError, type Reason } from '@govern/policy-core';
import type { ContentKindName } from '../mapping/enums';
import { imposePenalty, type ImposedPenalty } from './penalties';
import type { Work } from './work';

/**
 * An operator's penalty: credit deducted by severity, recorded as an appealable penalty on the
 * creator (and the item or livestream concerned, which must be the creator's).
 */
export const deductCreditByOperator = async (
  work: Work,
  input: { creatorId: string; severity: Severity; contentId: string | undefined; livestreamId: string | undefined; operatorId: string; reasons: Reason[] },
): Promise<ImposedPenalty> => {
  let contentKind: ContentKindName | undefined;
  // A livestream's content item has the livestream's id: naming both must name the same thing.
  if (input.contentId && input.livestreamId && input.contentId !== input.livestreamId) {
    throw new ValidationError([
      { field: 'livestream_id', description: 'must be the livestream whose content item content_id names (or be left out)', reason: 'SUBJECT_MISMATCH' },
    ]);
  }
  const subjectId = input.contentId || input.livestreamId;
  if (subjectId) {
    const item = await work.tx.contentItem.findUnique({ where: { contentId: subjectId }, select: { creatorId: true, kind: true } });
    if (!item || (input.livestreamId && item.kind !== 'LIVESTREAM')) {
      throw input.contentId
        ? notFound('CONTENT.NOT_FOUND', `Content item ${input.contentId} is not known`, { content_id: input.contentId })
        : notFound('LIVESTREAM.NOT_FOUND', `Livestream ${subjectId} is not known`, { livestream_id: subjectId });
    }
    if (item.creatorId !== input.creatorId) {
      throw new DomainError('FAILED_PRECONDITION', 'CONTENT.CREATOR_MISMATCH', `${subjectId} belongs to another creator`, { content_id: subjectId, subject: `content/${subjectId}` });
    }
    contentKind = item.kind as ContentKindName;
  }
  return imposePenalty(work, {
    creatorId: input.creatorId,
    contentId: subjectId || undefined,
    contentKind,
    livestreamId: input.livestreamId || undefined,
    action: 'CREDIT_ONLY',
    severity: input.severity,
    creditSeverity: input.severity,
    source: 'MANUAL',
    violationKeys: input.reasons.map((r) => `manual:${r.code}`),
    reasons: [...input.reasons, reason('CREATOR.CREDIT.OPERATOR_DEDUCTION', `Deducted by operator ${input.operatorId}`, { operator_id: input.operatorId })],
    policy: policyRef(work.policy),
  });
};
