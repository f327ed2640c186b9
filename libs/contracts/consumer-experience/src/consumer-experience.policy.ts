import { ConsumerExperienceServiceDefinition } from './gen';
import { definePolicy, GOVERN_ROLES, PLATFORM_CALLERS, type ServicePolicy } from '@govern/contracts-common';

const { operator, finance, auditor, support } = GOVERN_ROLES;
const P = PLATFORM_CALLERS;
const STATS = { roles: [operator, auditor] } as const;

/**
 * Who may call each RPC of consumer-experience (issue 12.3), enforced by the server kit before any handler
 * runs; an RPC without a rule is refused, and `consumer-experience.policy.spec.ts` fails when the contract
 * gains an RPC this table does not name. Platform services (by client certificate, or a system
 * token's client id) call the decision RPCs on their hot paths; enforcement needs `operator`,
 * money `finance`, governance stats `operator` or `auditor`. The table is part of the
 * contract: the operator console and the CLI import it from here to know what a person may do.
 */
export const consumerExperiencePolicy: ServicePolicy = definePolicy(ConsumerExperienceServiceDefinition, {
  RecordOrder: { services: [P.order], resource: { type: 'order', id: (r) => r.orderId } },
  GetOrder: { services: [P.order, P.buyerService, P.merchantCenter], roles: [operator, auditor, support, finance] },
  ListOrders: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  RecordShipment: { services: [P.order, P.logistics], resource: { type: 'order', id: (r) => r.orderId } },
  RecordTrackingScan: { services: [P.logistics], resource: { type: 'order', id: (_r, res) => res.order?.orderId } },
  RequestAfterSale: { services: [P.buyerService], roles: [support], resource: { type: 'after_sale', id: (_r, res) => res.afterSale?.afterSaleId } },
  RespondAfterSale: { services: [P.merchantCenter], resource: { type: 'after_sale', id: (r) => r.afterSaleId } },
  EscalateDispute: { services: [P.buyerService, P.merchantCenter], roles: [support], resource: { type: 'after_sale', id: (r) => r.afterSaleId } },
  DecideDispute: { roles: [operator], resource: { type: 'after_sale', id: (r) => r.afterSaleId } },
  RecordReturnShipment: { services: [P.buyerService, P.logistics], resource: { type: 'after_sale', id: (r) => r.afterSaleId } },
  SettleReturnShippingFee: { services: [P.merchantCenter], roles: [support], resource: { type: 'after_sale', id: (r) => r.afterSaleId } },
  GetAfterSale: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  ListAfterSales: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  FileComplaint: { services: [P.buyerService], roles: [support], resource: { type: 'complaint', id: (_r, res) => res.complaint?.complaintId } },
  GetComplaint: { services: [P.buyerService], roles: [operator, auditor, support] },
  ListComplaints: { roles: [operator, auditor, support] },
  RecordReview: { services: [P.order, P.buyerService], resource: { type: 'order', id: (r) => r.orderId } },
  // Fund movements: finance only (issue 12: ContributeToFund moved money with no credentials).
  PayAdvanceCompensation: { roles: [finance], resource: { type: 'order', id: (r) => r.orderId } },
  // A merchant's payment into its deposit, confirmed by the merchant back office, or booked by finance.
  DepositMerchantFunds: { services: [P.merchantCenter], roles: [finance], resource: { type: 'merchant', id: (r) => r.merchantId } },
  GetMerchantDeposit: { services: [P.merchantCenter], roles: [finance, operator, auditor] },
  ListCompensations: { roles: [finance, operator, auditor] },
  ContributeToFund: { roles: [finance], resource: { type: 'fund', id: () => 'consumer-protection' } },
  GetFundLedger: { roles: [finance, auditor] },
  ListLedgerEntries: { roles: [finance, auditor] },
  GetMerchantServiceMetrics: { services: [P.merchantCenter, P.traffic], roles: [operator, auditor] },
  GetGovernanceStats: STATS,
  // Buyer care (issue 19): the customer-service system records contacts and merchants' replies, the
  // buyer app the ratings; support reads and records on a buyer's behalf.
  RecordBuyerContact: { services: [P.buyerService], roles: [support], resource: { type: 'buyer_contact', id: (r) => r.contactId } },
  RecordMerchantReply: { services: [P.merchantCenter], roles: [support], resource: { type: 'buyer_contact', id: (r) => r.contactId } },
  RateContact: { services: [P.buyerService], resource: { type: 'buyer_contact', id: (r) => r.contactId } },
  GetServiceNormMetrics: { services: [P.merchantCenter, P.traffic], roles: [operator, auditor] },
  GetCareCase: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
  ListCareCases: { services: [P.buyerService, P.merchantCenter], roles: [operator, auditor, support] },
});
