import { ConsumerExperienceServiceDefinition } from '@govern/contracts-consumer-experience';
import { ContentServiceDefinition } from '@govern/contracts-content';
import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import { definePolicy, type ServicePolicy } from './policy';
import { GOVERN_ROLES, PLATFORM_CALLERS } from './vocabulary';

/**
 * DRAFT authorization tables of the four services, from their protos and issue 12.3: the
 * platform's services call the decision RPCs on their hot paths; enforcement (violations,
 * bans, removals, review and appeal decisions) needs `operator`; money needs `finance`;
 * CheckIdentifierLinks needs `risk-reviewer` and is rate-limited per caller by identifiers
 * looked up; governance stats need `auditor` or `operator`. Each service moves its table next
 * to its handlers (and deletes it here); they are typed and coverage-tested already.
 */
const { operator, finance, riskReviewer, auditor, support } = GOVERN_ROLES;
const P = PLATFORM_CALLERS;
const STATS = { roles: [operator, auditor] } as const;

export const DRAFT_MERCHANT_ACCESS_POLICY: ServicePolicy = definePolicy(MerchantAccessServiceDefinition, {
  SubmitApplication: { services: [P.merchantCenter] },
  GetApplication: { services: [P.merchantCenter], roles: [operator, riskReviewer, auditor] },
  GetMerchant: { services: [P.merchantCenter, P.traffic], roles: [operator, riskReviewer, auditor, support, finance] },
  ListMerchants: { roles: [operator, riskReviewer, auditor] },
  GetMerchantStanding: { services: [P.listing, P.order, P.video, P.live, P.traffic, P.merchantCenter], roles: [operator, auditor, support] },
  BatchGetMerchantStandings: { services: [P.live, P.video, P.traffic], roles: [operator, auditor] },
  RecordViolation: { roles: [operator] },
  ListViolations: { services: [P.merchantCenter], roles: [operator, auditor] },
  GetStoreExperienceScore: { services: [P.traffic, P.merchantCenter], roles: [operator, auditor] },
  GetStoreScoreRecovery: { services: [P.merchantCenter], roles: [operator, auditor] },
  GetAffiliateEligibility: { services: [P.traffic, P.merchantCenter, P.live, P.video], roles: [operator, auditor] },
  RunAffiliateSweep: { roles: [operator] },
  ListReviewCases: { roles: [operator, riskReviewer] },
  ClaimReviewCase: { roles: [operator] },
  DecideReviewCase: { roles: [operator] },
  FileAppeal: { services: [P.merchantCenter] },
  GetAppeal: { services: [P.merchantCenter], roles: [operator, auditor] },
  DecideAppeal: { roles: [operator] },
  // Which merchant holds an ID-card or bank account: a person's investigation, metered per identifier.
  CheckIdentifierLinks: { roles: [riskReviewer], rateLimit: { perMinute: 300, burst: 100, cost: (request) => request.identifiers.length } },
  GetGovernanceStats: STATS,
});

export const DRAFT_PRODUCT_QUALITY_POLICY: ServicePolicy = definePolicy(ProductQualityServiceDefinition, {
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
  CreateInspectionCampaign: { roles: [operator] },
  GetInspectionCampaign: { services: [P.inspection], roles: [operator, auditor] },
  PlanInspectionCampaign: { roles: [operator] },
  // Labs report through their system; an operator may key in a paper report.
  RecordLabResult: { services: [P.inspection], roles: [operator] },
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
  GetGovernanceStats: STATS,
});

export const DRAFT_CONTENT_POLICY: ServicePolicy = definePolicy(ContentServiceDefinition, {
  AssessVideo: { services: [P.video] },
  GetContentItem: { services: [P.video, P.traffic], roles: [operator, auditor] },
  ListContentItems: { roles: [operator, auditor] },
  ReassessContent: { roles: [operator] },
  StartLivestream: { services: [P.live] },
  EndLivestream: { services: [P.live] },
  GetLivestream: { services: [P.live], roles: [operator, auditor] },
  StreamLivestreamSignals: { services: [P.live] },
  GetCreatorCredit: { services: [P.video, P.live, P.traffic, P.creatorCenter], roles: [operator, auditor] },
  DeductCreatorCredit: { roles: [operator] },
  ListPenalties: { services: [P.creatorCenter], roles: [operator, auditor] },
  FileAppeal: { services: [P.creatorCenter] },
  ListAppeals: { services: [P.creatorCenter], roles: [operator, auditor] },
  DecideAppeal: { roles: [operator] },
  GetGovernanceStats: STATS,
});

export const DRAFT_CONSUMER_EXPERIENCE_POLICY: ServicePolicy = definePolicy(ConsumerExperienceServiceDefinition, {
  RecordOrder: { services: [P.order] },
  GetOrder: { services: [P.order, P.buyerService, P.merchantCenter], roles: [operator, auditor, support, finance] },
  ListOrders: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  RecordShipment: { services: [P.order, P.logistics] },
  RecordTrackingScan: { services: [P.logistics] },
  RequestAfterSale: { services: [P.buyerService], roles: [support] },
  RespondAfterSale: { services: [P.merchantCenter] },
  EscalateDispute: { services: [P.buyerService, P.merchantCenter], roles: [support] },
  DecideDispute: { roles: [operator] },
  RecordReturnShipment: { services: [P.buyerService, P.logistics] },
  GetAfterSale: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  ListAfterSales: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  FileComplaint: { services: [P.buyerService], roles: [support] },
  GetComplaint: { services: [P.buyerService], roles: [operator, auditor, support] },
  ListComplaints: { roles: [operator, auditor, support] },
  RecordReview: { services: [P.order, P.buyerService] },
  // Fund movements: finance only (issue 12: ContributeToFund moved money with no credentials).
  PayAdvanceCompensation: { roles: [finance] },
  // A merchant's payment into its deposit, confirmed by the merchant back office, or booked by finance.
  DepositMerchantFunds: { services: [P.merchantCenter], roles: [finance] },
  GetMerchantDeposit: { services: [P.merchantCenter], roles: [finance, operator, auditor] },
  ListCompensations: { roles: [finance, operator, auditor] },
  ContributeToFund: { roles: [finance] },
  GetFundLedger: { roles: [finance, auditor] },
  ListLedgerEntries: { roles: [finance, auditor] },
  GetMerchantServiceMetrics: { services: [P.merchantCenter, P.traffic], roles: [operator, auditor] },
  GetGovernanceStats: STATS,
  RecordBuyerContact: { services: [P.buyerService], roles: [support] },
  RecordMerchantReply: { services: [P.merchantCenter], roles: [support] },
  RateContact: { services: [P.buyerService] },
  GetServiceNormMetrics: { services: [P.merchantCenter, P.traffic], roles: [operator, auditor] },
  GetCareCase: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  ListCareCases: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
});

export const DRAFT_POLICIES: readonly ServicePolicy[] = [DRAFT_CONTENT_POLICY, DRAFT_PRODUCT_QUALITY_POLICY, DRAFT_MERCHANT_ACCESS_POLICY, DRAFT_CONSUMER_EXPERIENCE_POLICY];
