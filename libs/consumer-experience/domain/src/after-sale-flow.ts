import { failedPrecondition, reason, Violations, type Reason } from '@govern/policy-core';
import { AFTER_SALE_POLICY, type AfterSalePolicy } from './after-sale.policy';
import {
  addMs,
  policyRef,
  type AfterSaleStatus,
  type AfterSaleType,
  type DisputeOutcome,
  type DisputeParty,
  type Explained,
  type FastRefundOutcome,
  type Timer,
  type TimerKind,
} from './model';

/**
 * The after-sale lifecycle as a pure state machine. Each step returns the next status and the
 * effects the service must carry out in the same transaction (refunds, fund payments, insurance,
 * timers). Deadline events that arrive early or after the state moved on are no-ops, so a durable
 * timer that fires late or twice is harmless.
 */

export interface AfterSaleState {
  afterSaleId: string;
  type: AfterSaleType;
  status: AfterSaleStatus;
  /** Amount the buyer asked for, in fen (0 for exchanges). */
  amountFen: bigint;
  /** Already refunded on this after-sale, in fen. */
  refundedFen: bigint;
  fastRefund: FastRefundOutcome;
  merchantResponseDueAt?: Date | undefined;
  /** Amount the merchant owes after a dispute ruling, in fen. */
  awardFen?: bigint | undefined;
  paymentDueAt?: Date | undefined;
}

/** Statuses in which an after-sale still waits for someone; an order has at most one such after-sale. */
export const OPEN_AFTER_SALE_STATUSES: readonly AfterSaleStatus[] = [
  'AWAITING_MERCHANT',
  'AWAITING_RETURN',
  'RETURN_IN_TRANSIT',
  'MERCHANT_REJECTED',
  'IN_DISPUTE',
  'AWAITING_MERCHANT_PAYMENT',
];

export const isOpenAfterSale = (status: AfterSaleStatus): boolean => OPEN_AFTER_SALE_STATUSES.includes(status);

/** Every timer an after-sale may hold: closing it early cancels them all. */
const AFTER_SALE_TIMERS: readonly TimerKind[] = ['MERCHANT_RESPONSE_DEADLINE', 'DISPUTE_PAYMENT_DEADLINE'];

export type AfterSaleEvent =
  | { kind: 'MERCHANT_ACCEPTED' }
  | { kind: 'MERCHANT_REJECTED'; note: string }
  | { kind: 'MERCHANT_RESPONSE_DEADLINE' }
  | { kind: 'ESCALATED'; by: DisputeParty }
  | { kind: 'DISPUTE_DECIDED'; outcome: DisputeOutcome; awardFen?: bigint }
  | { kind: 'DISPUTE_PAYMENT_DEADLINE' }
  | { kind: 'RETURN_SHIPPED' }
  | { kind: 'RETURN_PICKED_UP' }
  | { kind: 'RETURN_DELIVERED' }
  | { kind: 'REPLACEMENT_SHIPPED' }
  /** The merchant was removed: the fund settles the open after-sale in its place. */
  | { kind: 'MERCHANT_REMOVED' }
  /** New-buyer care: the merchant left a new buyer's refund request open past the care bound; the fund settles it. */
  | { kind: 'PLATFORM_CARE' }
  /** The order was paid back in full outside this after-sale (fund compensation, removal refund). */
  | { kind: 'ORDER_REFUNDED_IN_FULL' };

export type AfterSaleEffect =
  | { kind: 'REFUND'; amountFen: bigint; fast: boolean }
  /** The fund pays the buyer first; `amountFen` undefined pays what is still refundable on the order. */
  | { kind: 'ADVANCE_COMPENSATION'; cause: 'DISPUTE_UNPAID' | 'MERCHANT_REMOVED' | 'NEW_BUYER_CARE'; amountFen?: bigint }
  | { kind: 'SETTLE_RETURN_INSURANCE' }
  | { kind: 'SCHEDULE'; timer: Timer }
  | { kind: 'CANCEL'; timer: TimerKind };

export interface AfterSaleTransition extends Explained {
  status: AfterSaleStatus;
  effects: AfterSaleEffect[];
  /** Set by a dispute ruling. */
  awardFen?: bigint;
  paymentDueAt?: Date;
}

/** The first status of an after-sale, given its fast-refund decision. */
export const openAfterSale = (
  opened: { afterSaleId: string; type: AfterSaleType; amountFen: bigint; fastRefund: FastRefundOutcome; fastRefundFen: bigint; now: Date },
  policy: AfterSalePolicy = AFTER_SALE_POLICY,
): AfterSaleTransition => {
  const ref = policyRef(policy);
  if (opened.fastRefund === 'GRANTED') {
    const refund: AfterSaleEffect = { kind: 'REFUND', amountFen: opened.fastRefundFen, fast: true };
    return opened.type === 'REFUND_ONLY'
      ? { status: 'REFUNDED', effects: [refund], reasons: [reason('AFTER_SALE.FAST_REFUNDED', 'Refunded at once by fast refund')], policy: ref }
      : {
          status: 'AWAITING_RETURN',
          effects: [refund],
          reasons: [reason('AFTER_SALE.FAST_REFUNDED', 'Refunded at once by fast refund; the goods are still to be returned')],
          policy: ref,
        };
  }
  if (opened.fastRefund === 'GRANTED_ON_PICKUP') {
    return {
      status: 'AWAITING_RETURN',
      effects: [],
      reasons: [reason('AFTER_SALE.REFUND_ON_PICKUP', 'Refunded as soon as the carrier picks up the return')],
      policy: ref,
    };
  }
  const dueAt = addMs(opened.now, policy.merchantResponseWithinMs);
  return {
    status: 'AWAITING_MERCHANT',
    effects: [{ kind: 'SCHEDULE', timer: { kind: 'MERCHANT_RESPONSE_DEADLINE', subjectId: opened.afterSaleId, dueAt } }],
    reasons: [reason('AFTER_SALE.AWAITING_MERCHANT', 'The merchant answers within 48 h, else the platform decides', { due_at: dueAt.toISOString() })],
    policy: ref,
  };
};

const invalid = (state: AfterSaleState, event: AfterSaleEvent): never => {
  throw failedPrecondition('AFTER_SALE.INVALID_TRANSITION', `Cannot apply ${event.kind} to an after-sale that is ${state.status}`, {
    after_sale_id: state.afterSaleId,
    status: state.status,
    event: event.kind,
  });
};

const remaining = (state: AfterSaleState, amount: bigint): bigint => {
  const rest = amount - state.refundedFen;
  return rest > 0n ? rest : 0n;
};

/** What accepting a request leads to, whether the merchant accepted it or the platform did for them. */
const accept = (state: AfterSaleState, why: Reason, policy: AfterSalePolicy): AfterSaleTransition => {
  const effects: AfterSaleEffect[] = [{ kind: 'CANCEL', timer: 'MERCHANT_RESPONSE_DEADLINE' }];
  if (state.type === 'REFUND_ONLY') {
    const owed = remaining(state, state.amountFen);
    if (owed > 0n) effects.push({ kind: 'REFUND', amountFen: owed, fast: false });
    return { status: 'REFUNDED', effects, reasons: [why], policy: policyRef(policy) };
  }
  return { status: 'AWAITING_RETURN', effects, reasons: [why], policy: policyRef(policy) };
};

const unchanged = (state: AfterSaleState, code: string, message: string, policy: AfterSalePolicy): AfterSaleTransition => ({
  status: state.status,
  effects: [],
  reasons: [reason(code, message)],
  policy: policyRef(policy),
});

const DISPUTABLE: ReadonlySet<AfterSaleStatus> = new Set<AfterSaleStatus>([
  'AWAITING_MERCHANT',
  'MERCHANT_REJECTED',
  'AWAITING_RETURN',
  'RETURN_IN_TRANSIT',
]);

export const transitionAfterSale = (
  state: AfterSaleState,
  event: AfterSaleEvent,
  now: Date,
  policy: AfterSalePolicy = AFTER_SALE_POLICY,
): AfterSaleTransition => {
  const ref = policyRef(policy);
  switch (event.kind) {
    case 'MERCHANT_ACCEPTED': {
      if (state.status === 'AWAITING_MERCHANT') return accept(state, reason('AFTER_SALE.MERCHANT_ACCEPTED', 'The merchant accepted'), policy);
      if (state.status === 'AWAITING_MERCHANT_PAYMENT') {
        const owed = remaining(state, state.awardFen ?? 0n);
        return {
          status: 'REFUNDED',
          effects: [
            { kind: 'CANCEL', timer: 'DISPUTE_PAYMENT_DEADLINE' },
            ...(owed > 0n ? [{ kind: 'REFUND', amountFen: owed, fast: false } as const] : []),
          ],
          reasons: [reason('AFTER_SALE.AWARD_PAID', 'The merchant paid the dispute award', { award_fen: owed.toString() })],
          policy: ref,
        };
      }
      return invalid(state, event);
    }
    case 'MERCHANT_REJECTED': {
      if (state.status !== 'AWAITING_MERCHANT') return invalid(state, event);
      const v = new Violations();
      v.require('note', event.note);
      v.throwIfAny('AFTER_SALE.REJECTION_NEEDS_NOTE');
      return {
        status: 'MERCHANT_REJECTED',
        effects: [{ kind: 'CANCEL', timer: 'MERCHANT_RESPONSE_DEADLINE' }],
        reasons: [reason('AFTER_SALE.MERCHANT_REJECTED', 'The merchant rejected the request; the buyer may escalate', { note: event.note })],
        policy: ref,
      };
    }
    case 'MERCHANT_RESPONSE_DEADLINE': {
      if (state.status !== 'AWAITING_MERCHANT') return unchanged(state, 'AFTER_SALE.DEADLINE_STALE', 'Already answered', policy);
      if (state.merchantResponseDueAt && now.getTime() < state.merchantResponseDueAt.getTime()) {
        return unchanged(state, 'AFTER_SALE.DEADLINE_NOT_DUE', 'The merchant still has time to answer', policy);
      }
      const silent = reason('AFTER_SALE.MERCHANT_SILENT', 'The merchant did not answer within 48 h; the platform decided', {
        due_at: state.merchantResponseDueAt?.toISOString() ?? '',
        decision: policy.onMerchantSilence,
      });
      if (policy.onMerchantSilence === 'ACCEPT') return accept(state, silent, policy);
      return { status: 'IN_DISPUTE', effects: [], reasons: [silent], policy: ref };
    }
    case 'ESCALATED': {
      if (!DISPUTABLE.has(state.status)) return invalid(state, event);
      return {
        status: 'IN_DISPUTE',
        effects: state.status === 'AWAITING_MERCHANT' ? [{ kind: 'CANCEL', timer: 'MERCHANT_RESPONSE_DEADLINE' }] : [],
        reasons: [reason('AFTER_SALE.ESCALATED', 'Escalated to a platform dispute', { by: event.by })],
        policy: ref,
      };
    }
    case 'DISPUTE_DECIDED':
      return decideDispute(state, event, now, policy);
    case 'DISPUTE_PAYMENT_DEADLINE': {
      if (state.status !== 'AWAITING_MERCHANT_PAYMENT') return unchanged(state, 'AFTER_SALE.DEADLINE_STALE', 'The award is already settled', policy);
      if (state.paymentDueAt && now.getTime() < state.paymentDueAt.getTime()) {
        return unchanged(state, 'AFTER_SALE.DEADLINE_NOT_DUE', 'The merchant still has time to pay', policy);
      }
      const owed = remaining(state, state.awardFen ?? 0n);
      return {
        status: 'REFUNDED',
        effects: owed > 0n ? [{ kind: 'ADVANCE_COMPENSATION', cause: 'DISPUTE_UNPAID', amountFen: owed }] : [],
        reasons: [
          reason('AFTER_SALE.AWARD_UNPAID', 'The merchant did not pay the award within 48 h; the consumer protection fund pays the buyer first', {
            award_fen: owed.toString(),
          }),
        ],
        policy: ref,
      };
    }
    case 'RETURN_SHIPPED': {
      if (state.status !== 'AWAITING_RETURN') return invalid(state, event);
      return {
        status: 'RETURN_IN_TRANSIT',
        effects: [{ kind: 'SETTLE_RETURN_INSURANCE' }],
        reasons: [reason('AFTER_SALE.RETURN_SHIPPED', 'Return shipped; return-shipping insurance settles')],
        policy: ref,
      };
    }
    case 'RETURN_PICKED_UP': {
      if (state.status !== 'RETURN_IN_TRANSIT') return unchanged(state, 'AFTER_SALE.SCAN_IGNORED', 'No return in transit', policy);
      const owed = remaining(state, state.amountFen);
      if (state.fastRefund === 'GRANTED_ON_PICKUP' && owed > 0n) {
        return {
          status: state.status,
          effects: [{ kind: 'REFUND', amountFen: owed, fast: true }],
          reasons: [reason('AFTER_SALE.FAST_REFUNDED_ON_PICKUP', 'The carrier picked up the return: refunded before it arrives')],
          policy: ref,
        };
      }
      return unchanged(state, 'AFTER_SALE.RETURN_PICKED_UP', 'The carrier picked up the return', policy);
    }
    case 'RETURN_DELIVERED': {
      if (state.status !== 'RETURN_IN_TRANSIT') return invalid(state, event);
      if (state.type === 'EXCHANGE') {
        return unchanged(state, 'AFTER_SALE.RETURN_DELIVERED', 'The return arrived; the merchant sends the replacement', policy);
      }
      const owed = remaining(state, state.amountFen);
      return {
        status: 'REFUNDED',
        effects: owed > 0n ? [{ kind: 'REFUND', amountFen: owed, fast: false }] : [],
        reasons: [reason('AFTER_SALE.RETURN_DELIVERED', 'The return arrived at the merchant', { refund_fen: owed.toString() })],
        policy: ref,
      };
    }
    case 'REPLACEMENT_SHIPPED': {
      if (state.type !== 'EXCHANGE' || state.status !== 'RETURN_IN_TRANSIT') return invalid(state, event);
      return { status: 'EXCHANGED', effects: [], reasons: [reason('AFTER_SALE.EXCHANGED', 'Replacement shipped')], policy: ref };
    }
    case 'MERCHANT_REMOVED':
    case 'PLATFORM_CARE': {
      if (!isOpenAfterSale(state.status)) return unchanged(state, 'AFTER_SALE.ALREADY_SETTLED', 'Nothing left open to protect', policy);
      const cancel = AFTER_SALE_TIMERS.map((timer): AfterSaleEffect => ({ kind: 'CANCEL', timer }));
      // An exchange can no longer be honoured: the buyer gets the price back instead.
      const owed = state.type === 'EXCHANGE' ? undefined : remaining(state, state.awardFen ?? state.amountFen);
      const cause = event.kind === 'MERCHANT_REMOVED' ? 'MERCHANT_REMOVED' : 'NEW_BUYER_CARE';
      const pay: AfterSaleEffect[] = owed === undefined || owed > 0n ? [{ kind: 'ADVANCE_COMPENSATION', cause, ...(owed === undefined ? {} : { amountFen: owed }) }] : [];
      const owedText = owed === undefined ? 'rest of the order' : owed.toString();
      return {
        status: 'REFUNDED',
        effects: [...cancel, ...pay],
        reasons: [
          event.kind === 'MERCHANT_REMOVED'
            ? reason('AFTER_SALE.FUND_PROTECTED', 'The merchant was removed; the consumer protection fund settles this after-sale', { owed_fen: owedText })
            : reason('AFTER_SALE.CARE_PROTECTED', 'A new buyer’s refund was left open; the consumer protection fund settles this after-sale', { owed_fen: owedText }),
        ],
        policy: ref,
      };
    }
    case 'ORDER_REFUNDED_IN_FULL': {
      if (!isOpenAfterSale(state.status)) return unchanged(state, 'AFTER_SALE.ALREADY_SETTLED', 'Already settled', policy);
      return {
        status: 'CLOSED',
        effects: AFTER_SALE_TIMERS.map((timer): AfterSaleEffect => ({ kind: 'CANCEL', timer })),
        reasons: [reason('AFTER_SALE.SETTLED_BY_ORDER_REFUND', 'The order was paid back in full; nothing is left to decide')],
        policy: ref,
      };
    }
  }
};

const decideDispute = (
  state: AfterSaleState,
  event: Extract<AfterSaleEvent, { kind: 'DISPUTE_DECIDED' }>,
  now: Date,
  policy: AfterSalePolicy,
): AfterSaleTransition => {
  if (state.status !== 'IN_DISPUTE') return invalid(state, event);
  const ref = policyRef(policy);
  if (event.outcome === 'MERCHANT_FAVOURED') {
    return {
      status: 'CLOSED',
      effects: [],
      reasons: [
        reason('DISPUTE.MERCHANT_FAVOURED', 'Decided for the merchant; nothing more is owed', {
          already_refunded_fen: state.refundedFen.toString(),
        }),
      ],
      policy: ref,
    };
  }
  if (state.type === 'EXCHANGE') {
    return {
      status: 'AWAITING_RETURN',
      effects: [],
      reasons: [reason(`DISPUTE.${event.outcome}`, 'Decided for the buyer: the exchange goes ahead')],
      policy: ref,
    };
  }
  let award = state.amountFen;
  if (event.outcome === 'PARTIAL') {
    const v = new Violations();
    const partial = event.awardFen ?? 0n;
    v.check(partial > 0n, 'award_fen', 'must be greater than zero for a partial ruling', 'OUT_OF_RANGE');
    v.check(partial <= state.amountFen, 'award_fen', `must not exceed the ${state.amountFen} fen requested`, 'AWARD_EXCEEDS_REQUEST');
    v.throwIfAny('DISPUTE.INVALID_AWARD');
    award = partial;
  }
  const owed = remaining(state, award);
  const ruled = reason(`DISPUTE.${event.outcome}`, 'Decided for the buyer', { award_fen: award.toString(), owed_fen: owed.toString() });
  if (owed === 0n) return { status: 'REFUNDED', effects: [], reasons: [ruled], policy: ref, awardFen: award };
  const paymentDueAt = addMs(now, policy.disputePaymentWithinMs);
  return {
    status: 'AWAITING_MERCHANT_PAYMENT',
    effects: [{ kind: 'SCHEDULE', timer: { kind: 'DISPUTE_PAYMENT_DEADLINE', subjectId: state.afterSaleId, dueAt: paymentDueAt } }],
    reasons: [
      ruled,
      reason('DISPUTE.PAYMENT_DUE', 'The merchant pays within 48 h, else the fund pays first', { due_at: paymentDueAt.toISOString() }),
    ],
    policy: ref,
    awardFen: award,
    paymentDueAt,
  };
};
