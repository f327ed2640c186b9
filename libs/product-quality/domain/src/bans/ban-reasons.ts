import { type Reason, reason } from '@govern/policy-core';
import type { BanCause } from './ban';

/** A reviewer's ban: the reviewer's words and evidence, as given. */
export const manualBanReason = (input: { cause: BanCause; actorId: string; message: string; evidence: Readonly<Record<string, string>> }): Reason =>
  reason(input.cause === 'RE_UPLOAD' ? 'BAN.RE_UPLOAD' : 'BAN.MANUAL', input.message, { ...input.evidence, actor_id: input.actorId });

/** Every product of a removed merchant is banned; the evidence points at merchant-access's decision. */
export const merchantRemovedBanReason = (removal: {
  merchantId: string;
  sanctionId: string;
  zeroTolerance: boolean;
  removalReasonCodes: readonly string[];
}): Reason =>
  reason('BAN.MERCHANT_REMOVED', 'The merchant was removed from the platform', {
    merchant_id: removal.merchantId,
    sanction_id: removal.sanctionId,
    zero_tolerance: String(removal.zeroTolerance),
    removal_reasons: removal.removalReasonCodes.join(','),
  });
