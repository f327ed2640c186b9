import { pipelinedWrites } from '@govern/platform-db';
import { MerchantApplicationRejectedEvent, MerchantOnboardedEvent, MerchantReviewOpenedEvent } from '@govern/contracts-merchant-access';
import type { ApplicationRow, MerchantRow, ReviewCaseRow } from '@govern/merchant-access-data-access';
import {
  approvableCategories,
  evaluateAffiliateEligibility,
  maskBankAccount,
  maskCreditCode,
  maskPersonName,
  maskPhone,
  openReviewCase,
  ONBOARDING_POLICY,
  onboardingApplicationFacts,
  STORE_EXPERIENCE_POLICY,
  termsFor,
  type GraphIdentifier,
  type MerchantTerms,
  type RiskBand,
  type ValidatedApplication,
} from '@govern/merchant-access-domain';
import { notFound, type PolicyRef, type Reason } from '@govern/policy-core';
import { otherApplicantsPerDevice } from '../adapters/applications.queries';
import type { Db } from '../adapters/records';
import { onboardingDecisions, type OnboardingFacts } from '../decisions/onboarding.decision-kind';
import type { MerchantAccessDeps, Work } from '../deps';
import { riskBandCodec } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { policyToProto, reasonsToProto, restrictionsToProto } from '../mapping/resources';
import { merchantViews, type MerchantView } from './merchants';

export interface OnboardMerchantInput {
  merchantId: string;
  application: Pick<ApplicationRow, 'id' | 'companyName' | 'creditCodeMasked'>;
  band: 'APPROVE' | 'APPROVE_WITH_RESTRICTIONS';
  terms: MerchantTerms;
  identifiers: readonly GraphIdentifier[];
  riskScore: number;
  reasons: readonly Reason[];
  policy: PolicyRef;
}

/**
 * Creates the merchant of an approved application: its row, its identifiers in the ring graph
 * log (every replica's graph reads them at its next check), and MerchantOnboarded. A new store
 * starts at the neutral score, so it is in the affiliate programme exactly when the programme
 * policy admits that score.
 */
export const onboardMerchant = async (work: Work, input: OnboardMerchantInput): Promise<MerchantRow> => {
  const { tx } = work;
  const affiliate = evaluateAffiliateEligibility({ storeExperienceScore: STORE_EXPERIENCE_POLICY.neutralScore, status: 'ACTIVE' });
  const row = await tx.merchant.create({
    data: {
      id: input.merchantId,
      applicationId: input.application.id,
      companyName: input.application.companyName,
      creditCodeMasked: input.application.creditCodeMasked,
      onboardingBand: input.band,
      listingQuota: input.terms.listingQuota,
      depositFen: input.terms.depositFen,
      approvedCategoryCodes: [...input.terms.approvedCategoryCodes],
      affiliateEligible: affiliate.eligible,
      onboardedAt: work.now,
    },
  });
  await tx.ringGraphEntry.createMany({
    data: input.identifiers.map((i) => ({ merchantId: input.merchantId, identifierKind: i.kind, identifierHash: i.key })),
    skipDuplicates: true,
  });
  work.emit(MerchantOnboardedEvent, {
    merchantId: input.merchantId,
    applicationId: input.application.id,
    band: riskBandCodec.toProto(input.band),
    restrictions: restrictionsToProto(input.terms),
    riskScore: input.riskScore,
    reasons: reasonsToProto(input.reasons),
    policy: policyToProto(input.policy),
  });
  return row;
};

const statusOfBand = (band: RiskBand): 'APPROVED' | 'IN_REVIEW' | 'REJECTED' =>
  band === 'REJECT' ? 'REJECTED' : band === 'MANUAL_REVIEW' ? 'IN_REVIEW' : 'APPROVED';

/** What a submission decided: the application, and the merchant, review case or rejection it led to. */
export interface ApplicationSubmitted {
  application: ApplicationRow;
  /** The terms of an approval (absent otherwise). */
  terms?: MerchantTerms | undefined;
  merchant?: MerchantView | undefined;
  reviewCase?: ReviewCaseRow | undefined;
}

/**
 * SubmitApplication on an application the request checks validated: its identifiers hashed
 * (identity numbers leave this function only as keyed hashes), checked against the ring graph and
 * the devices other applicants used, scored, and recorded with its outcome.
 */
export const submitApplication = async (
  work: Work,
  deps: Pick<MerchantAccessDeps, 'hasher' | 'ring' | 'decisions'>,
  application: ValidatedApplication,
  requestId?: string,
): Promise<ApplicationSubmitted> => {
  const { tx, now } = work;
  const identifiers: GraphIdentifier[] = application.identifiers.map((i) => ({ kind: i.kind, key: deps.hasher.hash(i.kind, i.value) }));
  await deps.ring.catchUp(tx);
  const ring = deps.ring.check(identifiers);
  const licenceHash = identifiers.find((i) => i.kind === 'LICENCE')?.key ?? '';
  const deviceHashes = identifiers.filter((i) => i.kind === 'DEVICE').map((i) => i.key);
  const maxOthersPerDevice = await otherApplicantsPerDevice(work.sql, deviceHashes, licenceHash);
  const applicationId = work.newId();
  const facts: OnboardingFacts = { applicationId, application: onboardingApplicationFacts(application), ring, maxOthersPerDevice, at: now };
  // The outcome acted on is exactly the one recorded (a shadow candidate's is recorded beside it, never acted on).
  const evaluation = await deps.decisions.evaluateWithShadow(onboardingDecisions, facts);
  const decision = evaluation.outcome;
  const approved = decision.band === 'APPROVE' || decision.band === 'APPROVE_WITH_RESTRICTIONS';
  const merchantId = approved ? work.newId() : undefined;
  const reviewCase = decision.band === 'MANUAL_REVIEW' ? openReviewCase(work.newId(), 'APPLICATION', applicationId, now) : undefined;
  const row = await tx.application.create({
    data: {
      id: applicationId,
      status: statusOfBand(decision.band),
      companyName: application.companyName,
      creditCodeMasked: maskCreditCode(application.creditCode),
      legalRepNameMasked: maskPersonName(application.legalRepresentative.name),
      phoneMasked: maskPhone(application.phone),
      bankAccountMasked: maskBankAccount(application.bankAccount.number),
      regionCode: application.address.regionCode,
      categoryCodes: application.categories,
      registeredCapitalFen: application.registeredCapitalFen,
      riskScore: decision.riskScore,
      band: decision.band,
      ringLink: decision.criticalLink !== undefined,
      reasons: toJson(decision.reasons),
      ringLinks: toJson(decision.ringLinks),
      approvableCategoryCodes: approvableCategories(application.categories, application.qualificationsHeld),
      policyName: decision.policy.name,
      policyVersion: decision.policy.version,
      submittedAt: now,
      decidedAt: decision.decidedAt,
      closedAt: decision.band === 'MANUAL_REVIEW' ? null : now,
      reviewCaseId: reviewCase?.id ?? null,
      merchantId: merchantId ?? null,
    },
  });
  await deps.decisions.recordDecision(pipelinedWrites(work.sql), {
    evaluation,
    decisionId: applicationId,
    requestId,
    correlationId: work.cause.correlationId ?? work.cause.causationId,
    actor: work.actor,
    subjects: [{ type: 'application', id: applicationId }, ...(merchantId ? [{ type: 'merchant', id: merchantId }] : [])],
  });
  await tx.applicationIdentifier.createMany({ data: identifiers.map((i) => ({ applicationId, kind: i.kind, hash: i.key })), skipDuplicates: true });

  if (merchantId && decision.terms && (decision.band === 'APPROVE' || decision.band === 'APPROVE_WITH_RESTRICTIONS')) {
    const merchant = await onboardMerchant(work, {
      merchantId,
      application: row,
      band: decision.band,
      terms: decision.terms,
      identifiers,
      riskScore: decision.riskScore,
      reasons: decision.reasons,
      policy: decision.policy,
    });
    const [view] = await merchantViews(tx, [merchant], now);
    return { application: row, terms: decision.terms, merchant: view };
  }
  if (reviewCase) {
    const caseRow = await tx.reviewCase.create({
      data: {
        id: reviewCase.id,
        kind: 'APPLICATION',
        status: reviewCase.status,
        applicationId,
        riskScore: decision.riskScore,
        reasons: toJson(decision.reasons),
        openedAt: reviewCase.openedAt,
        slaDueAt: reviewCase.slaDueAt,
      },
    });
    work.emit(MerchantReviewOpenedEvent, {
      caseId: reviewCase.id,
      applicationId,
      slaDueAt: reviewCase.slaDueAt,
      riskScore: decision.riskScore,
      reasons: reasonsToProto(decision.reasons),
    });
    return { application: row, reviewCase: caseRow };
  }
  work.emit(MerchantApplicationRejectedEvent, {
    applicationId,
    riskScore: decision.riskScore,
    reasons: reasonsToProto(decision.reasons),
    policy: policyToProto(decision.policy),
    ringLink: decision.criticalLink !== undefined,
    reviewCaseId: '',
  });
  return { application: row };
};

/** An application with the merchant it became (for its terms); NOT_FOUND when unknown. */
export const getApplication = async (db: Db, applicationId: string): Promise<ApplicationRow & { merchant: MerchantRow | null }> => {
  const row = await db.application.findUnique({ where: { id: applicationId }, include: { merchant: true } });
  if (!row) throw notFound('APPLICATION.NOT_FOUND', `no application ${applicationId}`, { application_id: applicationId });
  return row;
};

/** Terms a reviewer's approval gives, from the categories the application's qualifications allow. */
export const reviewerTerms = (band: 'APPROVE' | 'APPROVE_WITH_RESTRICTIONS', approvable: readonly string[]): MerchantTerms =>
  termsFor(band, approvable.filter((c): c is keyof typeof ONBOARDING_POLICY.categories => Object.hasOwn(ONBOARDING_POLICY.categories, c)));
