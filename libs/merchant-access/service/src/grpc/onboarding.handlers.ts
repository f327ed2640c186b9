import {
  SubmitApplicationRequest,
  SubmitApplicationResponse,
  type ApplicationInput as ApplicationInputProto,
  type MerchantAccessServiceDefinition,
} from '@govern/contracts-merchant-access';
import { ONBOARDING_POLICY, ringReasons, validateApplication, type ApplicationInput, type IdentifierKind } from '@govern/merchant-access-domain';
import { INVALID, isInvalid, RequestChecks, type Checked, type GrpcServiceImplementation } from '@govern/platform-grpc';
import type { MerchantAccessDeps } from '../deps';
import { identifierKindCodec } from '../mapping/enums';
import {
  applicationToProto,
  merchantTermsToProto,
  merchantViewToProto,
  policyToProto,
  reasonsToProto,
  restrictionsToProto,
  reviewCaseToProto,
  ringLinkToProto,
} from '../mapping/resources';
import { checkIdentifierLinks } from '../use-cases/identifier-links';
import { getApplication, submitApplication } from '../use-cases/onboarding';
import { checkedItems, mutation } from './handler-kit';

type Handlers = Required<GrpcServiceImplementation<typeof MerchantAccessServiceDefinition>>;

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

/** Onboarding: applications and the ring check on any identifiers. */
export const onboardingHandlers = (deps: MerchantAccessDeps): Pick<Handlers, 'submitApplication' | 'getApplication' | 'checkIdentifierLinks'> => ({
  submitApplication: (request, context) =>
    mutation(
      deps,
      'SubmitApplication',
      { request: SubmitApplicationRequest, response: SubmitApplicationResponse },
      request,
      context,
      () => {
        const checks = new RequestChecks();
        const requestId = checks.requestId(request.requestId);
        const input = checks.present('application', request.application);
        // The domain's validation names its fields `application.*`; it also judges qualifications at the time of the call.
        const application = isInvalid(input) ? INVALID : (checks.absorb(() => validateApplication(applicationInputOf(input), deps.clock.now())) ?? INVALID);
        return checks.done({ requestId, application }, 'MERCHANT.APPLICATION.INVALID');
      },
      async (work, { requestId, application }) => {
        const submitted = await submitApplication(work, deps, application, requestId);
        return {
          application: applicationToProto(submitted.application, submitted.terms ? restrictionsToProto(submitted.terms) : undefined),
          merchant: submitted.merchant ? merchantViewToProto(submitted.merchant) : undefined,
          reviewCase: submitted.reviewCase ? reviewCaseToProto(submitted.reviewCase, work.now) : undefined,
        };
      },
    ),

  async getApplication(request) {
    const checks = new RequestChecks();
    const { applicationId } = checks.done({ applicationId: checks.id('application_id', request.applicationId) });
    const row = await getApplication(deps.db, applicationId);
    return { application: applicationToProto(row, merchantTermsToProto(row.merchant)) };
  },

  async checkIdentifierLinks(request) {
    const limits = ONBOARDING_POLICY.limits;
    const checks = new RequestChecks();
    const listed = checks.bounded('identifiers', request.identifiers, { maxItems: limits.maxCheckedIdentifiers, required: true });
    const identifiers = isInvalid(listed)
      ? INVALID
      : checkedItems<{ kind: Checked<IdentifierKind>; value: Checked<string> }>(
          listed.map((input, i) => ({
            kind: checks.enumValue(`identifiers[${i}].kind`, identifierKindCodec, input.kind),
            value: checks.text(`identifiers[${i}].value`, input.value, limits.identifierValueMaxLength),
          })),
        );
    const excludeMerchantId = checks.optionalId('exclude_merchant_id', request.excludeMerchantId);
    const query = checks.done({ identifiers, excludeMerchantId });
    const ring = await checkIdentifierLinks(deps, query);
    return {
      links: ring.links.map(ringLinkToProto),
      linkedToRemoved: ring.linkedToRemoved,
      linkedToSanctioned: ring.linkedToSanctioned,
      reasons: reasonsToProto(ringReasons(ring)),
      policy: policyToProto({ name: ONBOARDING_POLICY.name, version: ONBOARDING_POLICY.version }),
      matches: ring.matches.map((m) => ({
        identifierKind: identifierKindCodec.toProto(m.identifierKind),
        identifierFingerprint: m.identifierFingerprint,
        merchantCount: m.merchantCount,
        hub: m.hub,
      })),
      truncated: ring.truncated,
    };
  },
});
