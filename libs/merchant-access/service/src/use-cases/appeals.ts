import {
  DecideAppealRequest,
  DecideAppealResponse,
  FileAppealRequest,
  FileAppealResponse,
  GetAppealRequest,
  GetAppealResponse,
  MerchantAppealDecidedEvent,
  MerchantReinstatedEvent,
} from '@govern/contracts-merchant-access';
import {
  assertAppealable,
  decideReviewCase,
  openReviewCase,
  overturnViolation,
  REVIEW_POLICY,
  STATUS_SEVERITY,
  VIOLATION_POLICY,
  type MerchantStatus,
} from '@govern/merchant-access-domain';
import { cancelJobs } from '@govern/platform-db';
import { appendToOutbox, toOutgoing } from '@govern/platform-events';
import { runMutation } from '@govern/platform-runtime';
import { failedPrecondition, notFound, reason, Violations, type Reason } from '@govern/policy-core';
import { loadStandings } from '../adapters/prisma-standing.repository';
import { loadMerchantHistory, lockMerchant, reviewCaseStateOf, violationRecordOf } from '../adapters/records';
import { appealDecisionCodec, appealStatusCodec, merchantStatusCodec, reinstatementCauseCodec } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { appealToProto, reasonsToProto, reviewCaseToProto, standingViewToProto } from '../mapping/resources';
import { metaFor, type CallInfo, type MerchantAccessDeps } from './deps';
import { lockReviewCase } from './review-cases';
import { recordStatusChange } from './status';
import { SANCTION_EXPIRY_JOB } from './violations';
import { mutationViolations, requireId } from './validation';

const reviewPolicyRef = { name: REVIEW_POLICY.name, version: REVIEW_POLICY.version };

export const createAppeals = (deps: MerchantAccessDeps) => {
  const fileAppeal = async (request: FileAppealRequest, call: CallInfo): Promise<FileAppealResponse> => {
    const limits = REVIEW_POLICY.limits;
    const v = mutationViolations(request.requestId);
    requireId(v, 'violation_id', request.violationId);
    requireId(v, 'merchant_id', request.merchantId);
    if (v.require('statement', request.statement)) v.maxLength('statement', request.statement, limits.statementMaxLength);
    if (v.maxItems('evidence_refs', request.evidenceRefs, limits.maxEvidenceRefs)) {
      request.evidenceRefs.forEach((ref, i) => v.require(`evidence_refs[${i}]`, ref) && v.maxLength(`evidence_refs[${i}]`, ref, 500));
    }
    v.throwIfAny('MERCHANT.APPEAL.INVALID');

    return runMutation(
      deps.db,
      { scope: 'merchant_access.FileAppeal', request, requestCodec: FileAppealRequest, responseCodec: FileAppealResponse, deadline: call.deadline },
      async (tx) => {
        const now = deps.clock.now();
        // One appeal per violation: concurrent filings wait for each other on the violation's row.
        await tx.$queryRawUnsafe(`SELECT id FROM violations WHERE id = $1 FOR UPDATE`, request.violationId);
        const violation = await tx.violation.findUnique({ where: { id: request.violationId }, include: { appeal: true } });
        if (!violation) throw notFound('VIOLATION.NOT_FOUND', `no violation ${request.violationId}`, { violation_id: request.violationId });
        if (violation.merchantId !== request.merchantId) {
          throw failedPrecondition('APPEAL.MERCHANT_MISMATCH', 'the violation was recorded against another merchant', {
            violation_id: violation.id,
            subject: violation.id,
          });
        }
        assertAppealable(violationRecordOf(violation), now, { alreadyAppealed: violation.appeal !== null });

        const appealId = deps.ids.next();
        const reviewCase = openReviewCase(deps.ids.next(), 'APPEAL', appealId, now);
        const reasons: Reason[] = [
          reason('MERCHANT.APPEAL.FILED', `appeal against ${violation.type} violation ${violation.id}`, {
            violation_id: violation.id,
            type: violation.type,
            points: String(violation.points),
          }),
        ];
        const caseRow = await tx.reviewCase.create({
          data: {
            id: reviewCase.id,
            kind: 'APPEAL',
            status: reviewCase.status,
            appealId,
            merchantId: request.merchantId,
            reasons: toJson(reasons),
            openedAt: reviewCase.openedAt,
            slaDueAt: reviewCase.slaDueAt,
          },
        });
        const appealRow = await tx.appeal.create({
          data: {
            id: appealId,
            violationId: violation.id,
            merchantId: request.merchantId,
            status: 'PENDING',
            statement: request.statement,
            evidenceRefs: [...request.evidenceRefs],
            reviewCaseId: reviewCase.id,
            filedAt: now,
            liftedSanctionIds: [],
            reasons: toJson(reasons),
            policyName: reviewPolicyRef.name,
            policyVersion: reviewPolicyRef.version,
          },
        });
        await tx.violation.update({ where: { id: violation.id }, data: { appealId } });
        return { appeal: appealToProto(appealRow), reviewCase: reviewCaseToProto(caseRow, now) };
      },
    );
  };

  const getAppeal = async (request: GetAppealRequest): Promise<GetAppealResponse> => {
    const v = new Violations();
    requireId(v, 'appeal_id', request.appealId);
    v.throwIfAny();
    const row = await deps.db.appeal.findUnique({ where: { id: request.appealId } });
    if (!row) throw notFound('APPEAL.NOT_FOUND', `no appeal ${request.appealId}`, { appeal_id: request.appealId });
    return { appeal: appealToProto(row) };
  };

  const decideAppeal = async (request: DecideAppealRequest, call: CallInfo): Promise<DecideAppealResponse> => {
    const v = mutationViolations(request.requestId);
    requireId(v, 'appeal_id', request.appealId);
    requireId(v, 'reviewer_id', request.reviewerId);
    const decision = appealDecisionCodec.fromProto(request.decision);
    v.check(decision !== undefined, 'decision', 'is required: uphold or overturn', 'REQUIRED');
    v.maxLength('note', request.note, REVIEW_POLICY.limits.noteMaxLength);
    v.throwIfAny('MERCHANT.APPEAL.INVALID');
    let statusAfter: { merchantId: string; status: MerchantStatus } | undefined;

    const response = await runMutation(
      deps.db,
      { scope: 'merchant_access.DecideAppeal', request, requestCodec: DecideAppealRequest, responseCodec: DecideAppealResponse, deadline: call.deadline },
      async (tx) => {
        const now = deps.clock.now();
        const appeal = await tx.appeal.findUnique({ where: { id: request.appealId } });
        if (!appeal) throw notFound('APPEAL.NOT_FOUND', `no appeal ${request.appealId}`, { appeal_id: request.appealId });
        const caseRow = await lockReviewCase(tx, appeal.reviewCaseId);
        // Only the reviewer who claimed the appeal's case may decide it, once.
        const decided = decideReviewCase(reviewCaseStateOf(caseRow), request.reviewerId, now);
        await lockMerchant(tx, appeal.merchantId);
        const merchant = await tx.merchant.findUniqueOrThrow({ where: { id: appeal.merchantId } });
        const meta = () => metaFor(deps, request.requestId);

        let reasons: Reason[];
        let restoredPoints = 0;
        let liftedSanctionIds: string[] = [];
        if (decision === 'UPHOLD') {
          reasons = [reason('MERCHANT.APPEAL.UPHELD', `violation ${appeal.violationId} stands`, { violation_id: appeal.violationId, reviewer_id: request.reviewerId })];
        } else {
          const history = await loadMerchantHistory(tx, appeal.merchantId, now, VIOLATION_POLICY.windowMs);
          const target = await tx.violation.findUniqueOrThrow({ where: { id: appeal.violationId } });
          const violations = history.violations.some((x) => x.id === target.id) ? history.violations : [...history.violations, violationRecordOf(target)];
          const outcome = overturnViolation({ violations, sanctions: history.sanctions }, target.id, now);
          reasons = outcome.reasons;
          restoredPoints = outcome.restoredPoints;
          liftedSanctionIds = outcome.liftedSanctions.map((s) => s.id);
          await tx.violation.update({ where: { id: target.id }, data: { overturnedAt: now } });
          if (liftedSanctionIds.length > 0) {
            await tx.sanction.updateMany({ where: { id: { in: liftedSanctionIds } }, data: { liftedAt: now, liftCause: 'APPEAL_OVERTURNED' } });
            await cancelJobs(tx, SANCTION_EXPIRY_JOB, liftedSanctionIds);
          }
          const removalLifted = outcome.liftedSanctions.find((s) => s.kind === 'REMOVED');
          if (removalLifted) {
            // The removal is undone: the merchant is back and so is the deposit it forfeited.
            const forfeited = history.sanctionRows.find((s) => s.id === removalLifted.id)?.depositForfeitedFen ?? 0n;
            await tx.merchant.update({
              where: { id: merchant.id },
              data: { removedAt: null, depositForfeitedFen: merchant.depositForfeitedFen - forfeited },
            });
          }
          if (await recordStatusChange(tx, merchant.id, merchant.status as MerchantStatus, outcome.after.status)) {
            statusAfter = { merchantId: merchant.id, status: outcome.after.status };
          }
          if (outcome.reinstated) {
            // The heaviest sanction lifted is the one whose end the merchant notices.
            const heaviest = [...outcome.liftedSanctions].sort((a, b) => STATUS_SEVERITY[b.kind] - STATUS_SEVERITY[a.kind])[0];
            await appendToOutbox(tx, [
              toOutgoing(MerchantReinstatedEvent, {
                meta: meta(),
                merchantId: merchant.id,
                cause: reinstatementCauseCodec.toProto('APPEAL_OVERTURNED'),
                sanctionId: heaviest?.id ?? '',
                status: merchantStatusCodec.toProto(outcome.after.status),
                activePoints: outcome.after.activePoints,
                appealId: appeal.id,
              }),
            ]);
          }
        }

        const status = decision === 'UPHOLD' ? 'UPHELD' : 'OVERTURNED';
        const appealRow = await tx.appeal.update({
          where: { id: appeal.id },
          data: { status, decidedAt: now, restoredPoints, liftedSanctionIds, reasons: toJson(reasons) },
        });
        await tx.reviewCase.update({
          where: { id: caseRow.id },
          data: { status: 'DECIDED', decidedAt: now, appealDecision: decision, note: request.note, slaBreached: decided.slaBreached },
        });
        await appendToOutbox(tx, [
          toOutgoing(MerchantAppealDecidedEvent, {
            meta: meta(),
            appealId: appeal.id,
            violationId: appeal.violationId,
            merchantId: appeal.merchantId,
            status: appealStatusCodec.toProto(status),
            restoredPoints,
            liftedSanctionIds,
            reasons: reasonsToProto(reasons),
          }),
        ]);
        const standing = (await loadStandings(tx, [appeal.merchantId], now)).get(appeal.merchantId);
        return { appeal: appealToProto(appealRow), standing: standing ? standingViewToProto(standing) : undefined };
      },
    );
    deps.eventsWritten();
    if (statusAfter) deps.ring.setStatus(statusAfter.merchantId, statusAfter.status);
    return response;
  };

  return { fileAppeal, getAppeal, decideAppeal };
};
