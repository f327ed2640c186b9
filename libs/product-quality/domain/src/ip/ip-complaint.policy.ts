import type { VersionedPolicy } from '@govern/policy-core';
import type { IpComplaintKind } from './ip-complaint';

export interface IpComplaintPolicy extends VersionedPolicy {
  /** Evidence references a complaint and a counter-notice must carry at least. */
  readonly minEvidenceRefs: number;
  /** How long after the takedown the merchant may counter-notify. */
  readonly counterNoticeWindowMs: number;
  /**
   * After a counter-notice the brand owner has this long to escalate (complaint to the
   * authorities or a lawsuit); otherwise the product is restored (E-Commerce Law art. 43).
   */
  readonly ownerResponseWindowMs: number;
  /** Kinds of complaint that a valid brand authorisation answers (no takedown). */
  readonly defeatedByAuthorisation: readonly IpComplaintKind[];
  readonly limits: { readonly statementMaxChars: number; readonly maxEvidenceRefs: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const IP_COMPLAINT_POLICY: IpComplaintPolicy = {
  name: 'ip-complaints',
  version: '2026-11-01.1',
  minEvidenceRefs: 1,
  counterNoticeWindowMs: 30 * DAY_MS,
  ownerResponseWindowMs: 15 * DAY_MS,
  defeatedByAuthorisation: ['TRADEMARK'],
  limits: { statementMaxChars: 5_000, maxEvidenceRefs: 50 },
};
