import type { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import type { GrpcServiceImplementation } from '@govern/platform-grpc';
import { createAffiliateSweep } from '../use-cases/affiliate-sweep';
import { createAppeals } from '../use-cases/appeals';
import type { MerchantAccessDeps } from '../use-cases/deps';
import { createGovernanceStats } from '../use-cases/governance-stats';
import { createIdentifierLinks } from '../use-cases/identifier-links';
import { createMerchantQueries } from '../use-cases/merchants';
import { createOnboarding } from '../use-cases/onboarding';
import { createReviewCases } from '../use-cases/review-cases';
import { createViolations } from '../use-cases/violations';

/**
 * The gRPC surface: each RPC goes to its use case with the caller's deadline. Use cases validate
 * their requests (every violation at once), run mutations through runMutation, and throw
 * DomainError/ValidationError, which the platform maps to gRPC statuses.
 */
export const createMerchantAccessHandlers = (deps: MerchantAccessDeps): GrpcServiceImplementation<typeof MerchantAccessServiceDefinition> => {
  const onboarding = createOnboarding(deps);
  const merchants = createMerchantQueries(deps);
  const violations = createViolations(deps);
  const reviewCases = createReviewCases(deps);
  const appeals = createAppeals(deps);
  const sweep = createAffiliateSweep(deps);
  const links = createIdentifierLinks(deps);
  const stats = createGovernanceStats(deps);
  return {
    submitApplication: (request, context) => onboarding.submitApplication(request, { deadline: context.deadline }),
    getApplication: (request) => onboarding.getApplication(request),
    getMerchant: (request) => merchants.getMerchant(request),
    listMerchants: (request) => merchants.listMerchants(request),
    getMerchantStanding: (request) => merchants.getMerchantStanding(request),
    batchGetMerchantStandings: (request) => merchants.batchGetMerchantStandings(request),
    recordViolation: (request, context) => violations.recordViolation(request, { deadline: context.deadline }),
    listViolations: (request) => violations.listViolations(request),
    getStoreExperienceScore: (request) => merchants.getStoreExperienceScore(request),
    getAffiliateEligibility: (request) => merchants.getAffiliateEligibility(request),
    runAffiliateSweep: (request, context) => sweep.runAffiliateSweep(request, { deadline: context.deadline }),
    listReviewCases: (request) => reviewCases.listReviewCases(request),
    claimReviewCase: (request, context) => reviewCases.claimReviewCase(request, { deadline: context.deadline }),
    decideReviewCase: (request, context) => reviewCases.decideReviewCase(request, { deadline: context.deadline }),
    fileAppeal: (request, context) => appeals.fileAppeal(request, { deadline: context.deadline }),
    getAppeal: (request) => appeals.getAppeal(request),
    decideAppeal: (request, context) => appeals.decideAppeal(request, { deadline: context.deadline }),
    checkIdentifierLinks: (request) => links.checkIdentifierLinks(request),
    getGovernanceStats: (request) => stats.getGovernanceStats(request),
  };
};
