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
import type { Sql } from '@govern/platform-db';
import { notFound, type PolicyRef, type Reason } from '@govern/policy-core';
import { otherApplicantsPerDevice } from '../adapters/applications.queries';
import { insertApplication, insertApplicationReviewCase, insertMerchant } from '../adapters/onboarding.repository';
import type { Db } from '../adapters/records';
import { onboardingDecisions, type OnboardingFacts } from '../decisions/onboarding.decision-kind';
import { recordWorkDecision } from '../decisions/decision-log';
import type { MerchantAccessDeps, Work } from '../deps';
import { riskBandCodec } from '../mapping/enums';
import { policyToProto, reasonsToProto, restrictionsToProto } from '../mapping/resources';
import { newMerchantView, type MerchantView } from './merchants';

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

/** Every new store's affiliate eligibility: all start active at the neutral score, so it is decided once. */
const NEW_STORE_AFFILIATE = evaluateAffiliateEligibility({ storeExperienceScore: STORE_EXPERIENCE_POLICY.neutralScore, status: 'ACTIVE' });

/**
 * Creates the merchant of an approved application: its row, its identifiers in the ring graph
 * log (every replica's graph reads them at its next check), and MerchantOnboarded. A new store
 * starts at the neutral score, so it is in the affiliate programme exactly when the programme
 * policy admits that score. The rows are written through `db`: the unit's `withEffectsSql` when
 * nothing later in the unit reads them (SubmitApplication), else its `sql`.
 */
export const onboardMerchant = (work: Work, input: OnboardMerchantInput, db: Pick<Sql, 'send'> = work.sql): MerchantRow => {
  const row = insertMerchant(
    db,
    {
      id: input.merchantId,
      applicationId: input.application.id,
      companyName: input.application.companyName,
      creditCodeMasked: input.application.creditCodeMasked,
      onboardingBand: input.band,
      listingQuota: input.terms.listingQuota,
      depositFen: input.terms.depositFen,
      approvedCategoryCodes: input.terms.approvedCategoryCodes,
      affiliateEligible: NEW_STORE_AFFILIATE.eligible,
      onboardedAt: work.now,
    },
    input.identifiers,
  );
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
  const { now } = work;
  const identifiers: GraphIdentifier[] = application.identifiers.map((i) => ({ kind: i.kind, key: deps.hasher.hash(i.kind, i.value) }));
  const licenceHash = identifiers.find((i) => i.kind === 'LICENCE')?.key ?? '';
  const deviceHashes = identifiers.filter((i) => i.kind === 'DEVICE').map((i) => i.key);
  // Both reads leave in one write: the graph's catch-up and the devices' other applicants.
  const [, maxOthersPerDevice] = await Promise.all([deps.ring.catchUp(work.sql), otherApplicantsPerDevice(work.sql, deviceHashes, licenceHash)]);
  const ring = deps.ring.check(identifiers);
  const applicationId = work.newId();
  const facts: OnboardingFacts = { applicationId, application: onboardingApplicationFacts(application), ring, maxOthersPerDevice, at: now };
  // The outcome acted on is exactly the one recorded (a shadow candidate's is recorded beside it, never acted on).
  const evaluation = await deps.decisions.evaluateWithShadow(onboardingDecisions, facts);
  const decision = evaluation.outcome;
  const approved = decision.band === 'APPROVE' || decision.band === 'APPROVE_WITH_RESTRICTIONS';
  const merchantId = approved ? work.newId() : undefined;
  const reviewCase = decision.band === 'MANUAL_REVIEW' ? openReviewCase(work.newId(), 'APPLICATION', applicationId, now) : undefined;
  // Every write below goes out inside the unit's effects statement (nothing in the unit reads them
  // back; the foreign keys between them are checked at its end), not as statements of their own.
  const row = insertApplication(
    work.withEffectsSql,
    {
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
      reasons: decision.reasons,
      ringLinks: decision.ringLinks,
      approvableCategoryCodes: approvableCategories(application.categories, application.qualificationsHeld),
      policyName: decision.policy.name,
      policyVersion: decision.policy.version,
      submittedAt: now,
      decidedAt: decision.decidedAt,
      closedAt: decision.band === 'MANUAL_REVIEW' ? null : now,
      reviewCaseId: reviewCase?.id ?? null,
      merchantId: merchantId ?? null,
    },
    identifiers,
  );
  await recordWorkDecision(
    deps.decisions,
    work,
    {
      evaluation,
      decisionId: applicationId,
      requestId,
      subjects: [{ type: 'application', id: applicationId }, ...(merchantId ? [{ type: 'merchant', id: merchantId }] : [])],
    },
    { withEffects: true },
  );

  if (merchantId && decision.terms && (decision.band === 'APPROVE' || decision.band === 'APPROVE_WITH_RESTRICTIONS')) {
    // The merchant needs only what the application was given.
    const merchant = onboardMerchant(
      work,
      {
        merchantId,
        application: { id: applicationId, companyName: application.companyName, creditCodeMasked: maskCreditCode(application.creditCode) },
        band: decision.band,
        terms: decision.terms,
        identifiers,
        riskScore: decision.riskScore,
        reasons: decision.reasons,
        policy: decision.policy,
      },
      work.withEffectsSql,
    );
    return { application: row, terms: decision.terms, merchant: newMerchantView(merchant, now) };
  }
  if (reviewCase) {
    const caseRow = insertApplicationReviewCase(work.withEffectsSql, {
      id: reviewCase.id,
      status: reviewCase.status,
      applicationId,
      riskScore: decision.riskScore,
      reasons: decision.reasons,
      openedAt: reviewCase.openedAt,
      slaDueAt: reviewCase.slaDueAt,
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
