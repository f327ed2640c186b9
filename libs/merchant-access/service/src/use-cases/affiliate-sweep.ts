import { AffiliateEligibilityChangedEvent, RunAffiliateSweepRequest, RunAffiliateSweepResponse } from '@govern/contracts-merchant-access';
import type { MerchantAccessTx } from '@govern/merchant-access-data-access';
import {
  AFFILIATE_POLICY,
  STORE_EXPERIENCE_POLICY,
  sweepAffiliates,
  type AffiliateChange,
  type AffiliateMember,
  type MerchantStatus,
} from '@govern/merchant-access-domain';
import { appendToOutbox, toOutgoing } from '@govern/platform-events';
import { runMutation } from '@govern/platform-runtime';
import { toJson } from '../mapping/json';
import { policyToProto, reasonsToProto } from '../mapping/resources';
import { metaFor, type CallInfo, type MerchantAccessDeps } from './deps';
import { mutationViolations } from './validation';

/** Merchants read and written per round trip: set-based whatever the size of the programme. */
const SWEEP_BATCH = 5_000;
const SAMPLE_SIZE = 100;
const SEVERITY_STATUS: readonly MerchantStatus[] = ['ACTIVE', 'LISTING_RESTRICTED', 'SUSPENDED', 'REMOVED'];

interface MemberRow {
  id: string;
  affiliate_eligible: boolean;
  score: number | null;
  severity: number | null;
}

export interface SweepOutcome {
  sweepId: string;
  evaluated: number;
  cleared: string[];
  readmitted: string[];
  evaluatedAt: Date;
}

/**
 * The affiliate programme sweep at `now`: every merchant's eligibility (score >= 4.0 and no
 * sanction in force, from the sanctions themselves), in batches of merchants ordered by id; the
 * ineligible members are cleared and the recovered re-admitted, each change stored and published
 * as one AffiliateEligibilityChanged. A dry run changes and publishes nothing.
 */
export const runSweepInTx = async (
  tx: MerchantAccessTx,
  deps: MerchantAccessDeps,
  options: { sweepId: string; dryRun: boolean; causationId: string },
): Promise<SweepOutcome> => {
  const now = deps.clock.now();
  const policy = AFFILIATE_POLICY;
  if (!options.dryRun) {
    await tx.affiliateSweep.create({
      data: { id: options.sweepId, evaluatedAt: now, evaluatedCount: 0, clearedCount: 0, readmittedCount: 0, policyName: policy.name, policyVersion: policy.version },
    });
  }
  const cleared: string[] = [];
  const readmitted: string[] = [];
  let evaluated = 0;
  let after = '';
  for (;;) {
    const rows = await tx.$queryRawUnsafe<MemberRow[]>(
      `SELECT m.id, m.affiliate_eligible, s.score, active.severity
         FROM merchants m
         LEFT JOIN store_experience_scores s ON s.merchant_id = m.id
         LEFT JOIN LATERAL (
           SELECT max(CASE x.kind WHEN 'REMOVED' THEN 3 WHEN 'SUSPENDED' THEN 2 WHEN 'LISTING_RESTRICTED' THEN 1 ELSE 0 END) AS severity
             FROM sanctions x
            WHERE x.merchant_id = m.id AND x.starts_at <= $2
              AND (x.ends_at IS NULL OR x.ends_at > $2) AND (x.lifted_at IS NULL OR x.lifted_at > $2)
         ) active ON true
        WHERE m.id > $1
        ORDER BY m.id
        LIMIT $3`,
      after,
      now,
      SWEEP_BATCH,
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.id ?? after;
    const members: AffiliateMember[] = rows.map((r) => ({
      merchantId: r.id,
      inProgramme: r.affiliate_eligible,
      storeExperienceScore: r.score ?? STORE_EXPERIENCE_POLICY.neutralScore,
      status: SEVERITY_STATUS[Number(r.severity ?? 0)] ?? 'ACTIVE',
    }));
    const scoreOf = new Map(members.map((m) => [m.merchantId, m.storeExperienceScore]));
    const sweep = sweepAffiliates(members, policy);
    evaluated += sweep.evaluated;
    cleared.push(...sweep.clear.map((c) => c.merchantId));
    readmitted.push(...sweep.readmit.map((c) => c.merchantId));
    if (!options.dryRun) await applyChanges(tx, deps, options, [...sweep.clear, ...sweep.readmit], scoreOf, now);
    if (rows.length < SWEEP_BATCH) break;
  }
  if (!options.dryRun) {
    await tx.affiliateSweep.update({
      where: { id: options.sweepId },
      data: { evaluatedCount: evaluated, clearedCount: cleared.length, readmittedCount: readmitted.length },
    });
  }
  return { sweepId: options.sweepId, evaluated, cleared, readmitted, evaluatedAt: now };
};

const applyChanges = async (
  tx: MerchantAccessTx,
  deps: MerchantAccessDeps,
  options: { sweepId: string; causationId: string },
  changes: readonly AffiliateChange[],
  scoreOf: ReadonlyMap<string, number>,
  now: Date,
): Promise<void> => {
  if (changes.length === 0) return;
  const policy = policyToProto({ name: AFFILIATE_POLICY.name, version: AFFILIATE_POLICY.version });
  for (const eligible of [true, false]) {
    const ids = changes.filter((c) => c.eligible === eligible).map((c) => c.merchantId);
    if (ids.length > 0) await tx.merchant.updateMany({ where: { id: { in: ids } }, data: { affiliateEligible: eligible } });
  }
  await tx.affiliateChange.createMany({
    data: changes.map((c) => ({
      sweepId: options.sweepId,
      merchantId: c.merchantId,
      eligible: c.eligible,
      storeExperienceScore: scoreOf.get(c.merchantId) ?? STORE_EXPERIENCE_POLICY.neutralScore,
      reasons: toJson(c.reasons),
      changedAt: now,
    })),
  });
  await appendToOutbox(
    tx,
    changes.map((c) =>
      toOutgoing(AffiliateEligibilityChangedEvent, {
        meta: metaFor(deps, options.causationId),
        merchantId: c.merchantId,
        eligible: c.eligible,
        reasons: reasonsToProto(c.reasons),
        storeExperienceScore: scoreOf.get(c.merchantId) ?? STORE_EXPERIENCE_POLICY.neutralScore,
        sweepId: options.sweepId,
        policy,
      }),
    ),
  );
};

const sweepResponse = (outcome: SweepOutcome): RunAffiliateSweepResponse => ({
  sweepId: outcome.sweepId,
  evaluatedCount: BigInt(outcome.evaluated),
  clearedCount: BigInt(outcome.cleared.length),
  readmittedCount: BigInt(outcome.readmitted.length),
  clearedMerchantIdsSample: outcome.cleared.slice(0, SAMPLE_SIZE),
  readmittedMerchantIdsSample: outcome.readmitted.slice(0, SAMPLE_SIZE),
  policy: policyToProto({ name: AFFILIATE_POLICY.name, version: AFFILIATE_POLICY.version }),
  evaluatedAt: outcome.evaluatedAt,
});

export const createAffiliateSweep = (deps: MerchantAccessDeps) => ({
  async runAffiliateSweep(request: RunAffiliateSweepRequest, call: CallInfo): Promise<RunAffiliateSweepResponse> {
    mutationViolations(request.requestId).throwIfAny();
    const response = await runMutation(
      deps.db,
      { scope: 'merchant_access.RunAffiliateSweep', request, requestCodec: RunAffiliateSweepRequest, responseCodec: RunAffiliateSweepResponse, deadline: call.deadline },
      async (tx) => sweepResponse(await runSweepInTx(tx, deps, { sweepId: deps.ids.next(), dryRun: request.dryRun, causationId: request.requestId })),
    );
    deps.eventsWritten();
    return response;
  },
});
