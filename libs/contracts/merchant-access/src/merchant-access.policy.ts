import { MerchantAccessServiceDefinition } from './gen';
import { definePolicy, GOVERN_ROLES, PLATFORM_CALLERS, type ServicePolicy } from '@govern/contracts-common';

const { operator, finance, riskReviewer, auditor, support } = GOVERN_ROLES;
const P = PLATFORM_CALLERS;
const STATS = { roles: [operator, auditor] } as const;

/**
 * Who may call each RPC of merchant-access (issue 12.3), enforced by the server kit before any handler
 * runs; an RPC without a rule is refused, and `merchant-access.policy.spec.ts` fails when the contract
 * gains an RPC this table does not name. Platform services (by client certificate, or a system
 * token's client id) call the decision RPCs on their hot paths; enforcement needs `operator`,
 * money `finance`, governance stats `operator` or `auditor`. The table is part of the
 * contract: the operator console and the CLI import it from here to know what a person may do.
 */
export const merchantAccessPolicy: ServicePolicy = definePolicy(MerchantAccessServiceDefinition, {
  SubmitApplication: { services: [P.merchantCenter], resource: { type: 'application', id: (_r, res) => res.application?.applicationId } },
  GetApplication: { services: [P.merchantCenter], roles: [operator, riskReviewer, auditor] },
  GetMerchant: { services: [P.merchantCenter, P.traffic], roles: [operator, riskReviewer, auditor, support, finance] },
  ListMerchants: { roles: [operator, riskReviewer, auditor] },
  GetMerchantStanding: { services: [P.listing, P.order, P.video, P.live, P.traffic, P.merchantCenter], roles: [operator, auditor, support] },
  BatchGetMerchantStandings: { services: [P.live, P.video, P.traffic], roles: [operator, auditor] },
  RecordViolation: { roles: [operator], resource: { type: 'merchant', id: (r) => r.merchantId } },
  ListViolations: { services: [P.merchantCenter], roles: [operator, auditor] },
  GetStoreExperienceScore: { services: [P.traffic, P.merchantCenter], roles: [operator, auditor] },
  GetStoreScoreRecovery: { services: [P.merchantCenter], roles: [operator, auditor] },
  GetAffiliateEligibility: { services: [P.traffic, P.merchantCenter, P.live, P.video], roles: [operator, auditor] },
  RunAffiliateSweep: { roles: [operator], resource: { type: 'affiliate_sweep', id: (_r, res) => res.sweepId } },
  ListReviewCases: { roles: [operator, riskReviewer] },
  GetReviewCase: { roles: [operator, riskReviewer] },
  ClaimReviewCase: { roles: [operator], resource: { type: 'review_case', id: (r) => r.caseId } },
  DecideReviewCase: { roles: [operator], resource: { type: 'review_case', id: (r) => r.caseId } },
  FileAppeal: { services: [P.merchantCenter], resource: { type: 'appeal', id: (_r, res) => res.appeal?.appealId } },
  GetAppeal: { services: [P.merchantCenter], roles: [operator, auditor] },
  DecideAppeal: { roles: [operator], resource: { type: 'appeal', id: (r) => r.appealId } },
  // Which merchant holds an ID-card or bank account: a person's investigation, metered per identifier.
  CheckIdentifierLinks: { roles: [riskReviewer], rateLimit: { perMinute: 300, burst: 100, cost: (request) => request.identifiers.length } },
  GetGovernanceStats: STATS,
});
