import {
  ApplicationInput as ApplicationInputProto,
  GetApplicationRequest,
  GetApplicationResponse,
  MerchantApplicationRejectedEvent,
  MerchantOnboardedEvent,
  MerchantReviewOpenedEvent,
  SubmitApplicationRequest,
  SubmitApplicationResponse,
} from '@govern/contracts-merchant-access';
import type { ApplicationRow, MerchantAccessTx, MerchantRow } from '@govern/merchant-access-data-access';
import {
  approvableCategories,
  decideOnboarding,
  evaluateAffiliateEligibility,
  maskBankAccount,
  maskCreditCode,
  maskPersonName,
  maskPhone,
  openReviewCase,
  ONBOARDING_POLICY,
  STORE_EXPERIENCE_POLICY,
  termsFor,
  validateApplication,
  type ApplicationInput,
  type GraphIdentifier,
  type MerchantTerms,
  type OnboardingDecision,
  type RiskBand,
} from '@govern/merchant-access-domain';
import { appendToOutbox, toOutgoing } from '@govern/platform-events';
import { runMutation } from '@govern/platform-runtime';
import { notFound, Violations, type PolicyRef, type Reason } from '@govern/policy-core';
import { riskBandCodec } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { applicationToProto, merchantTermsToProto, policyToProto, reasonsToProto, restrictionsToProto, reviewCaseToProto } from '../mapping/resources';
import { metaFor, type CallInfo, type MerchantAccessDeps } from './deps';
import { merchantViews } from './merchants';
import { collect, mutationViolations, requireId } from './validation';

const applicationInputOf = (input: ApplicationInputProto): ApplicationInput => ({
  companyName: input.companyName,
  businessLicenceCode: input.businessLicenceCode,
  legalRepresentative: input.legalRepresentative,
  contactPhone: input.contactPhone,
  bankAccount: input.bankAccount,
  deviceIds: input.deviceIds,
  address: input.address,
  categoryCodes: input.categoryCodes,
  qualifications: input.qualifications,
  registeredCapitalFen: input.registeredCapitalFen,
});

/**
 * Applicants who applied from the same device, told apart by their licence: the most any one of
 * the devices was shared with (applications that never became merchants count too).
 */
const otherApplicantsPerDevice = async (tx: MerchantAccessTx, deviceHashes: readonly string[], licenceHash: string): Promise<number> => {
  if (deviceHashes.length === 0) return 0;
  const rows = await tx.$queryRawUnsafe<{ others: bigint }[]>(
    `SELECT count(DISTINCT licence.hash) AS others
       FROM application_identifiers device
       JOIN application_identifiers licence ON licence.application_id = device.application_id AND licence.kind = 'LICENCE'
      WHERE device.kind = 'DEVICE' AND device.hash = ANY($1::text[]) AND licence.hash <> $2
      GROUP BY device.hash`,
    [...deviceHashes],
    licenceHash,
  );
  return Math.max(0, ...rows.map((r) => Number(r.others)));
};

export interface OnboardMerchantInput {
  merchantId: string;
  application: Pick<ApplicationRow, 'id' | 'companyName' | 'creditCodeMasked'>;
  band: 'APPROVE' | 'APPROVE_WITH_RESTRICTIONS';
  terms: MerchantTerms;
  identifiers: readonly GraphIdentifier[];
  riskScore: number;
  reasons: readonly Reason[];
  policy: PolicyRef;
  causationId: string;
  at: Date;
}

/**
 * Creates the merchant of an approved application: its row, its identifiers in the ring graph
 * log, and MerchantOnboarded. A new store starts at the neutral score, so it is in the
 * affiliate programme exactly when the programme policy admits that score.
 */
export const onboardMerchant = async (tx: MerchantAccessTx, deps: MerchantAccessDeps, input: OnboardMerchantInput): Promise<MerchantRow> => {
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
      onboardedAt: input.at,
    },
  });
  await tx.ringGraphEntry.createMany({
    data: input.identifiers.map((i) => ({ merchantId: input.merchantId, identifierKind: i.kind, identifierHash: i.key })),
    skipDuplicates: true,
  });
  await appendToOutbox(tx, [
    toOutgoing(MerchantOnboardedEvent, {
      meta: metaFor(deps, input.causationId),
      merchantId: input.merchantId,
      applicationId: input.application.id,
      band: riskBandCodec.toProto(input.band),
      restrictions: restrictionsToProto(input.terms),
      riskScore: input.riskScore,
      reasons: reasonsToProto(input.reasons),
      policy: policyToProto(input.policy),
    }),
  ]);
  return row;
};

const statusOfBand = (band: RiskBand): 'APPROVED' | 'IN_REVIEW' | 'REJECTED' =>
  band === 'REJECT' ? 'REJECTED' : band === 'MANUAL_REVIEW' ? 'IN_REVIEW' : 'APPROVED';

export const createOnboarding = (deps: MerchantAccessDeps) => {
  const submitApplication = async (request: SubmitApplicationRequest, call: CallInfo): Promise<SubmitApplicationResponse> => {
    const now = deps.clock.now();
    const v = mutationViolations(request.requestId);
    const input = request.application;
    const application = input ? collect(v, () => validateApplication(applicationInputOf(input), now)) : undefined;
    if (!input) v.add('application', 'is required', 'REQUIRED');
    v.throwIfAny('MERCHANT.APPLICATION.INVALID');
    if (!application) throw new Error('validated application missing');

    // Identity numbers leave this function only as keyed hashes.
    const identifiers: GraphIdentifier[] = application.identifiers.map((i) => ({ kind: i.kind, key: deps.hasher.hash(i.kind, i.value) }));
    let onboarded: { merchantId: string } | undefined;

    const response = await runMutation(
      deps.db,
      { scope: 'merchant_access.SubmitApplication', request, requestCodec: SubmitApplicationRequest, responseCodec: SubmitApplicationResponse, deadline: call.deadline },
      async (tx) => {
        await deps.ring.catchUp(tx);
        const ring = deps.ring.check(identifiers);
        const licenceHash = identifiers.find((i) => i.kind === 'LICENCE')?.key ?? '';
        const deviceHashes = identifiers.filter((i) => i.kind === 'DEVICE').map((i) => i.key);
        const maxOthersPerDevice = await otherApplicantsPerDevice(tx, deviceHashes, licenceHash);
        const decision: OnboardingDecision = decideOnboarding(application, { ring, maxOthersPerDevice }, now);

        const applicationId = deps.ids.next();
        const approved = decision.band === 'APPROVE' || decision.band === 'APPROVE_WITH_RESTRICTIONS';
        const merchantId = approved ? deps.ids.next() : undefined;
        const reviewCase = decision.band === 'MANUAL_REVIEW' ? openReviewCase(deps.ids.next(), 'APPLICATION', applicationId, now) : undefined;
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
        await tx.applicationIdentifier.createMany({
          data: identifiers.map((i) => ({ applicationId, kind: i.kind, hash: i.key })),
          skipDuplicates: true,
        });

        const result: SubmitApplicationResponse = { application: applicationToProto(row), merchant: undefined, reviewCase: undefined };
        if (merchantId && decision.terms && (decision.band === 'APPROVE' || decision.band === 'APPROVE_WITH_RESTRICTIONS')) {
          const merchant = await onboardMerchant(tx, deps, {
            merchantId,
            application: row,
            band: decision.band,
            terms: decision.terms,
            identifiers,
            riskScore: decision.riskScore,
            reasons: decision.reasons,
            policy: decision.policy,
            causationId: request.requestId,
            at: now,
          });
          onboarded = { merchantId };
          result.application = applicationToProto(row, restrictionsToProto(decision.terms));
          [result.merchant] = await merchantViews(tx, [merchant], now);
        } else if (reviewCase) {
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
          await appendToOutbox(tx, [
            toOutgoing(MerchantReviewOpenedEvent, {
              meta: metaFor(deps, request.requestId),
              caseId: reviewCase.id,
              applicationId,
              slaDueAt: reviewCase.slaDueAt,
              riskScore: decision.riskScore,
              reasons: reasonsToProto(decision.reasons),
            }),
          ]);
          result.reviewCase = reviewCaseToProto(caseRow, now);
        } else {
          await appendToOutbox(tx, [
            toOutgoing(MerchantApplicationRejectedEvent, {
              meta: metaFor(deps, request.requestId),
              applicationId,
              riskScore: decision.riskScore,
              reasons: reasonsToProto(decision.reasons),
              policy: policyToProto(decision.policy),
              ringLink: decision.criticalLink !== undefined,
              reviewCaseId: '',
            }),
          ]);
        }
        return result;
      },
    );
    deps.eventsWritten();
    if (onboarded) deps.ring.addMerchant(onboarded.merchantId, identifiers);
    return response;
  };

  const getApplication = async (request: GetApplicationRequest): Promise<GetApplicationResponse> => {
    const v = new Violations();
    requireId(v, 'application_id', request.applicationId);
    v.throwIfAny();
    const row = await deps.db.application.findUnique({ where: { id: request.applicationId }, include: { merchant: true } });
    if (!row) throw notFound('APPLICATION.NOT_FOUND', `no application ${request.applicationId}`, { application_id: request.applicationId });
    return { application: applicationToProto(row, merchantTermsToProto(row.merchant)) };
  };

  return { submitApplication, getApplication };
};

/** Terms a reviewer's approval gives, from the categories the application's qualifications allow. */
export const reviewerTerms = (band: 'APPROVE' | 'APPROVE_WITH_RESTRICTIONS', approvable: readonly string[]): MerchantTerms =>
  termsFor(band, approvable.filter((c): c is keyof typeof ONBOARDING_POLICY.categories => Object.hasOwn(ONBOARDING_POLICY.categories, c)));
