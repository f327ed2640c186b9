import type { VersionedPolicy } from '@govern/policy-core';
import type { BanCause } from './ban';

export interface BanPolicy extends VersionedPolicy {
  /** How long after the ban the merchant may appeal. */
  readonly appealWindowMs: number;
  /** Appeals allowed per ban (a rejected appeal is final after this many). */
  readonly maxAppealsPerBan: number;
  /**
   * Causes a merchant may appeal here. Merchant removal is appealed at merchant-access;
   * an IP takedown is answered with a counter-notice.
   */
  readonly appealableCauses: readonly BanCause[];
  /** Causes lifted automatically when merchant-access reinstates the merchant. */
  readonly liftedOnReinstatement: readonly BanCause[];
  /**
   * Causes a reviewer may lift with an unban. An IP takedown ends with the complaint's decision
   * (or its restore deadline); a merchant removal with the merchant's reinstatement.
   */
  readonly liftedByReviewer: readonly BanCause[];
  readonly limits: { readonly statementMaxChars: number; readonly maxEvidenceRefs: number };
}

export const BAN_POLICY: BanPolicy = {
  name: 'product-bans',
  version: '2026-11-01.1',
  appealWindowMs: 7 * 24 * 60 * 60 * 1000,
  maxAppealsPerBan: 1,
  appealableCauses: ['LAB_CRITICAL', 'MANUAL', 'RE_UPLOAD'],
  liftedOnReinstatement: ['MERCHANT_REMOVED'],
  liftedByReviewer: ['LAB_CRITICAL', 'MANUAL', 'RE_UPLOAD'],
  limits: { statementMaxChars: 2_000, maxEvidenceRefs: 20 },
};
