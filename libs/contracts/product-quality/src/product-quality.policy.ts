import { ProductQualityServiceDefinition } from './gen';
import { definePolicy, GOVERN_ROLES, PLATFORM_CALLERS, type ServicePolicy } from '@govern/contracts-common';

const { operator, auditor, support } = GOVERN_ROLES;
const P = PLATFORM_CALLERS;
const STATS = { roles: [operator, auditor] } as const;

/**
 * Who may call each RPC of product-quality (issue 12.3), enforced by the server kit before any handler
 * runs; an RPC without a rule is refused, and `product-quality.policy.spec.ts` fails when the contract
 * gains an RPC this table does not name. Platform services (by client certificate, or a system
 * token's client id) call the decision RPCs on their hot paths; enforcement needs `operator`,
 * money `finance`, governance stats `operator` or `auditor`. The table is part of the
 * contract: the operator console and the CLI import it from here to know what a person may do.
 */
export const productQualityPolicy: ServicePolicy = definePolicy(ProductQualityServiceDefinition, {
  EvaluateListing: { services: [P.listing] },
  GetListingEvaluation: { services: [P.listing, P.merchantCenter], roles: [operator, auditor] },
  ListListingEvaluations: { services: [P.merchantCenter], roles: [operator, auditor] },
  GetProduct: { services: [P.listing, P.order, P.traffic, P.live, P.video, P.merchantCenter], roles: [operator, auditor, support] },
  ListProducts: { services: [P.merchantCenter], roles: [operator, auditor] },
  GetQualityScore: { services: [P.traffic, P.merchantCenter], roles: [operator, auditor] },
  BanProduct: { roles: [operator] },
  UnbanProduct: { roles: [operator] },
  ListBans: { services: [P.merchantCenter], roles: [operator, auditor] },
  FileBanAppeal: { services: [P.merchantCenter] },
  DecideBanAppeal: { roles: [operator] },
  GetBanAppeal: { services: [P.merchantCenter], roles: [operator, auditor] },
  ListBanAppeals: { services: [P.merchantCenter], roles: [operator, auditor] },
  CreateInspectionCampaign: { roles: [operator] },
  GetInspectionCampaign: { services: [P.inspection], roles: [operator, auditor] },
  PlanInspectionCampaign: { roles: [operator] },
  // Labs report through their system; an operator may key in a paper report.
  RecordLabResult: { services: [P.inspection], roles: [operator] },
  ListLabResults: { services: [P.inspection, P.merchantCenter], roles: [operator, auditor] },
  GetLotSamplingPlan: { services: [P.inspection], roles: [operator, auditor] },
  RecordLotInspection: { services: [P.inspection] },
  ListLotInspections: { services: [P.inspection, P.merchantCenter], roles: [operator, auditor] },
  ResumeLotInspection: { roles: [operator] },
  RegisterBrand: { services: [P.brandPortal], roles: [operator] },
  GrantBrandAuthorisation: { services: [P.brandPortal] },
  RevokeBrandAuthorisation: { services: [P.brandPortal] },
  FileIpComplaint: { services: [P.brandPortal] },
  FileCounterNotice: { services: [P.merchantCenter] },
  EscalateIpComplaint: { services: [P.brandPortal] },
  DecideIpComplaint: { roles: [operator] },
  GetIpComplaint: { services: [P.brandPortal, P.merchantCenter], roles: [operator, auditor] },
  ListIpComplaints: { services: [P.brandPortal, P.merchantCenter], roles: [operator, auditor] },
  GetGovernanceStats: STATS,
});
