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
  EvaluateListing: { services: [P.listing], resource: { type: 'listing', id: (r) => r.listing?.listingId } },
  GetListingEvaluation: { services: [P.listing, P.merchantCenter], roles: [operator, auditor] },
  ListListingEvaluations: { services: [P.merchantCenter], roles: [operator, auditor] },
  GetProduct: { services: [P.listing, P.order, P.traffic, P.live, P.video, P.merchantCenter], roles: [operator, auditor, support] },
  ListProducts: { services: [P.merchantCenter], roles: [operator, auditor] },
  GetQualityScore: { services: [P.traffic, P.merchantCenter], roles: [operator, auditor] },
  BanProduct: { roles: [operator], resource: { type: 'product', id: (r) => r.productId } },
  UnbanProduct: { roles: [operator], resource: { type: 'product', id: (r) => r.productId } },
  ListBans: { services: [P.merchantCenter], roles: [operator, auditor] },
  FileBanAppeal: { services: [P.merchantCenter], resource: { type: 'ban_appeal', id: (_r, res) => res.appeal?.appealId } },
  DecideBanAppeal: { roles: [operator], resource: { type: 'ban_appeal', id: (r) => r.appealId } },
  GetBanAppeal: { services: [P.merchantCenter], roles: [operator, auditor] },
  ListBanAppeals: { services: [P.merchantCenter], roles: [operator, auditor] },
  CreateInspectionCampaign: { roles: [operator], resource: { type: 'campaign', id: (_r, res) => res.campaign?.campaignId } },
  GetInspectionCampaign: { services: [P.inspection], roles: [operator, auditor] },
  PlanInspectionCampaign: { roles: [operator], resource: { type: 'campaign', id: (r) => r.campaignId } },
  // Labs report through their system; an operator may key in a paper report.
  RecordLabResult: { services: [P.inspection], roles: [operator], resource: { type: 'sample', id: (r) => r.sampleId } },
  ListLabResults: { services: [P.inspection, P.merchantCenter], roles: [operator, auditor] },
  GetLotSamplingPlan: { services: [P.inspection], roles: [operator, auditor] },
  RecordLotInspection: { services: [P.inspection], resource: { type: 'lot', id: (r) => r.lotId } },
  ListLotInspections: { services: [P.inspection, P.merchantCenter], roles: [operator, auditor] },
  ResumeLotInspection: { roles: [operator], resource: { type: 'merchant_sku', id: (r) => `${r.merchantId}/${r.skuId}` } },
  RegisterBrand: { services: [P.brandPortal], roles: [operator], resource: { type: 'brand', id: (_r, res) => res.brand?.brandId } },
  GrantBrandAuthorisation: { services: [P.brandPortal], resource: { type: 'brand', id: (r) => r.brandId } },
  RevokeBrandAuthorisation: { services: [P.brandPortal], resource: { type: 'brand_authorisation', id: (r) => r.authorisationId } },
  FileIpComplaint: { services: [P.brandPortal], resource: { type: 'ip_complaint', id: (_r, res) => res.complaint?.complaintId } },
  FileCounterNotice: { services: [P.merchantCenter], resource: { type: 'ip_complaint', id: (r) => r.complaintId } },
  EscalateIpComplaint: { services: [P.brandPortal], resource: { type: 'ip_complaint', id: (r) => r.complaintId } },
  DecideIpComplaint: { roles: [operator], resource: { type: 'ip_complaint', id: (r) => r.complaintId } },
  GetIpComplaint: { services: [P.brandPortal, P.merchantCenter], roles: [operator, auditor] },
  ListIpComplaints: { services: [P.brandPortal, P.merchantCenter], roles: [operator, auditor] },
  GetGovernanceStats: STATS,
});
