import { AffiliateEligibilityChangedEvent } from '@govern/contracts-merchant-access';
import { AFFILIATE_POLICY, STORE_EXPERIENCE_POLICY, sweepAffiliates, type AffiliateChange, type AffiliateMember } from '@govern/merchant-access-domain';
import { sweepMembersAfter } from '../adapters/affiliate.queries';
import type { Work } from '../deps';
import { toJson } from '../mapping/json';
import { policyToProto, reasonsToProto } from '../mapping/resources';

/** Merchants read and written per round trip: set-based whatever the size of the programme. */
const SWEEP_BATCH = 5_000;

export interface SweepOutcome {
  sweepId: string;
  evaluated: number;
  cleared: string[];
  readmitted: string[];
  evaluatedAt: Date;
}

/**
 * The affiliate programme sweep at the unit's time: every merchant's eligibility (score >= 4.0 and
 * no sanction in force, from the sanctions themselves), in batches of merchants ordered by id; the
 * ineligible members are cleared and the recovered re-admitted, each change stored and published
 * as one AffiliateEligibilityChanged. A dry run changes and publishes nothing.
 */
export const runAffiliateSweep = async (work: Work, options: { dryRun: boolean }): Promise<SweepOutcome> => {
  const { tx, now } = work;
  const sweepId = work.newId();
  const policy = AFFILIATE_POLICY;
  if (!options.dryRun) {
    await tx.affiliateSweep.create({
      data: { id: sweepId, evaluatedAt: now, evaluatedCount: 0, clearedCount: 0, readmittedCount: 0, policyName: policy.name, policyVersion: policy.version },
    });
  }
  const cleared: string[] = [];
  const readmitted: string[] = [];
  let evaluated = 0;
  let after = '';
  for (;;) {
    const rows = await sweepMembersAfter(work.sql, after, now, SWEEP_BATCH);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.merchantId ?? after;
    const members: AffiliateMember[] = rows.map((r) => ({
      merchantId: r.merchantId,
      inProgramme: r.inProgramme,
      storeExperienceScore: r.score ?? STORE_EXPERIENCE_POLICY.neutralScore,
      status: r.status,
    }));
    const scoreOf = new Map(members.map((m) => [m.merchantId, m.storeExperienceScore]));
    const sweep = sweepAffiliates(members, policy);
    evaluated += sweep.evaluated;
    cleared.push(...sweep.clear.map((c) => c.merchantId));
    readmitted.push(...sweep.readmit.map((c) => c.merchantId));
    if (!options.dryRun) await applyChanges(work, sweepId, [...sweep.clear, ...sweep.readmit], scoreOf);
    if (rows.length < SWEEP_BATCH) break;
  }
  if (!options.dryRun) {
    await tx.affiliateSweep.update({
      where: { id: sweepId },
      data: { evaluatedCount: evaluated, clearedCount: cleared.length, readmittedCount: readmitted.length },
    });
  }
  return { sweepId, evaluated, cleared, readmitted, evaluatedAt: now };
};

const applyChanges = async (work: Work, sweepId: string, changes: readonly AffiliateChange[], scoreOf: ReadonlyMap<string, number>): Promise<void> => {
  if (changes.length === 0) return;
  const { tx, now } = work;
  const policy = policyToProto({ name: AFFILIATE_POLICY.name, version: AFFILIATE_POLICY.version });
  for (const eligible of [true, false]) {
    const ids = changes.filter((c) => c.eligible === eligible).map((c) => c.merchantId);
    if (ids.length > 0) await tx.merchant.updateMany({ where: { id: { in: ids } }, data: { affiliateEligible: eligible } });
  }
  await tx.affiliateChange.createMany({
    data: changes.map((c) => ({
      sweepId,
      merchantId: c.merchantId,
      eligible: c.eligible,
      storeExperienceScore: scoreOf.get(c.merchantId) ?? STORE_EXPERIENCE_POLICY.neutralScore,
      reasons: toJson(c.reasons),
      changedAt: now,
    })),
  });
  for (const c of changes) {
    work.emit(AffiliateEligibilityChangedEvent, {
      merchantId: c.merchantId,
      eligible: c.eligible,
      reasons: reasonsToProto(c.reasons),
      storeExperienceScore: scoreOf.get(c.merchantId) ?? STORE_EXPERIENCE_POLICY.neutralScore,
      sweepId,
      policy,
    });
  }
};
