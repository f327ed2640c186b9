import { ConsumerExperienceServiceDefinition } from '@govern/contracts-consumer-experience';
import { definePolicy, GOVERN_ROLES, PLATFORM_CALLERS, type ServicePolicy } from '@govern/platform-auth';

const { operator, finance, auditor, support } = GOVERN_ROLES;
const P = PLATFORM_CALLERS;
const STATS = { roles: [operator, auditor] } as const;

/**
 * Who may call each RPC of consumer-experience (issue 12.3), enforced by the server kit before any handler
 * runs; an RPC without a rule is refused, and `consumer-experience.policy.spec.ts` fails when the contract
 * gains an RPC this table does not name. Platform services (by client certificate, or a system
 * token's client id) call the decision RPCs on their hot paths; enforcement needs `operator`,
 * money `finance`, governance stats `operator` or `auditor`. The console reads the copy in
 * platform-auth (DRAFT_CONSUMER_EXPERIENCE_POLICY) to show what a person may do; the spec keeps them equal.
 */
export const consumerExperiencePolicy: ServicePolicy = definePolicy(ConsumerExperienceServiceDefinition, {
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
  // Buyer care (issue 19): the customer-service system records contacts and merchants' replies, the
  // buyer app the ratings; support reads and records on a buyer's behalf.
  RecordBuyerContact: { services: [P.buyerService], roles: [support] },
  RecordMerchantReply: { services: [P.merchantCenter], roles: [support] },
  RateContact: { services: [P.buyerService] },
  GetServiceNormMetrics: { services: [P.merchantCenter, P.traffic], roles: [operator, auditor] },
  GetCareCase: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  ListCareCases: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
});
