import { SERVICE_NAMES } from '@govern/contracts-common';
/**
 * The names authorization tables use, in one place so a typo is a compile error.
 *
 * Roles are held by people (and, rarely, by external systems) through their tokens. None
 * implies another: a table lists every role it admits, so reading one row says who can call.
 */
export const GOVERN_ROLES = {
  /** Governance operations: violations, sanctions, bans, removals, review and appeal decisions, campaigns. */
  operator: 'operator',
  /** Money: fund contributions, advance compensation, manual deposits; reads the ledgers. */
  finance: 'finance',
  /** Ring investigations: CheckIdentifierLinks (rate-limited), the onboarding review queue (reading). */
  riskReviewer: 'risk-reviewer',
  /** Read-only: governance statistics, decisions, ledgers, audit trails. */
  auditor: 'auditor',
  /** Customer service: files complaints and escalates after-sales for buyers; reads orders. */
  support: 'support',
} as const;

export type GovernRole = (typeof GOVERN_ROLES)[keyof typeof GOVERN_ROLES];

/** Govern's own services, the registry's (SPIFFE IDs `spiffe://govern/<name>`): proven by client certificate only. */
export const GOVERN_SERVICES = SERVICE_NAMES;

/**
 * The platform's services that call Govern, by workload name: a client certificate
 * `spiffe://govern/<name>` inside the mesh, or a client-credentials token whose client_id is
 * the name from outside it. DRAFT: the platform teams confirm these names at rollout.
 */
export const PLATFORM_CALLERS = {
  /** Product publishing: the listing gate on publish and edit. */
  listing: 'listing',
  /** Orders and payments: records orders, shipments, reviews. */
  order: 'order',
  /** Carriers' tracking feed: scans and return shipments. */
  logistics: 'logistics',
  /** The buyer app's after-sale and complaint desk. */
  buyerService: 'buyer-service',
  /** Merchants' back office: applications, appeals, counter-notices, after-sale answers, deposits. */
  merchantCenter: 'merchant-center',
  /** Brand owners' portal: brand registration, authorisations, IP complaints. */
  brandPortal: 'brand-portal',
  /** Accredited inspection labs and warehouses: lab results, lot inspections. */
  inspection: 'inspection',
  /** Short-video publishing: assessment on publish. */
  video: 'video',
  /** Creators' back office: penalties, appeals, credit. */
  creatorCenter: 'creator-center',
  /** The livestream platform: sessions and their signal streams. */
  live: 'live',
  /** Search, recommendation and traffic allocation: standings, scores, tiers on the hot path. */
  traffic: 'traffic',
} as const;
