import { DAY, HOUR, MINUTE, ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { lateDispatchCompensation, onDispatchDeadline, onFirstScanDeadline, planDispatchPromise, planShipment } from './promise-clocks';
import { PROMISE_POLICY } from './promise.policy';

const paidAt = new Date('2026-11-01T08:00:00Z');
const at = (ms: number) => new Date(paidAt.getTime() + ms);

describe('planDispatchPromise', () => {
  it('gives in-stock orders 48 h from payment and schedules the dispatch timer', () => {
    const promise = planDispatchPromise({ orderId: 'o-1', fulfilment: 'IN_STOCK', paidAt });
    expect(promise.dispatchDueAt).toEqual(at(48 * HOUR));
    expect(promise.timers).toEqual([{ kind: 'DISPATCH_DEADLINE', subjectId: 'o-1', dueAt: at(48 * HOUR) }]);
    expect(promise.policy).toEqual({ name: PROMISE_POLICY.name, version: PROMISE_POLICY.version });
  });

  it('accepts a pre-sale promising dispatch exactly 15 days after payment', () => {
    const promise = planDispatchPromise({ orderId: 'o-2', fulfilment: 'PRE_SALE', paidAt, promisedDispatchAt: at(15 * DAY) });
    expect(promise.dispatchDueAt).toEqual(at(15 * DAY));
    expect(promise.timers[0]?.dueAt).toEqual(at(15 * DAY));
  });

  it('rejects a pre-sale promising dispatch later than 15 days with ORDER.PRE_SALE_TOO_LONG', () => {
    const attempt = () => planDispatchPromise({ orderId: 'o-3', fulfilment: 'PRE_SALE', paidAt, promisedDispatchAt: at(15 * DAY + MINUTE) });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'ORDER.PRE_SALE_TOO_LONG' }) as Error);
  });

  it('rejects the old 45-day pre-sale and a pre-sale without a promise or promising the past', () => {
    expect(() => planDispatchPromise({ orderId: 'o', fulfilment: 'PRE_SALE', paidAt, promisedDispatchAt: at(45 * DAY) })).toThrow(
      expect.objectContaining({ code: 'ORDER.PRE_SALE_TOO_LONG' }) as Error,
    );
    expect(() => planDispatchPromise({ orderId: 'o', fulfilment: 'PRE_SALE', paidAt })).toThrow(
      expect.objectContaining({ code: 'ORDER.INVALID' }) as Error,
    );
    expect(() => planDispatchPromise({ orderId: 'o', fulfilment: 'PRE_SALE', paidAt, promisedDispatchAt: at(-HOUR) })).toThrow(ValidationError);
  });
});

describe('lateDispatchCompensation', () => {
  it('pays 30% of the amount within the 5-50 yuan band', () => {
    expect(lateDispatchCompensation(10_000n).amountFen).toBe(3_000n);
    expect(lateDispatchCompensation(100n).amountFen).toBe(500n);
    expect(lateDispatchCompensation(1_000_000n).amountFen).toBe(5_000n);
  });

  it('explains the amount with the policy version', () => {
    const c = lateDispatchCompensation(10_000n);
    expect(c.reasons[0]?.code).toBe('PROMISE.LATE_DISPATCH_COMPENSATION');
    expect(c.reasons[0]?.evidence.share_fen).toBe('3000');
    expect(c.policy.version).toBe(PROMISE_POLICY.version);
  });
});

describe('planShipment', () => {
  const dispatchDueAt = at(48 * HOUR);

  it('marks an in-time dispatch on time, cancels the dispatch timer and starts the 24 h first-scan clock', () => {
    const plan = planShipment({ orderId: 'o-1', paidAt, dispatchDueAt, shippedAt: at(47 * HOUR) });
    expect(plan.onTime).toBe(true);
    expect(plan.cancel).toEqual(['DISPATCH_DEADLINE']);
    expect(plan.timers).toEqual([{ kind: 'FIRST_SCAN_DEADLINE', subjectId: 'o-1', dueAt: at(71 * HOUR) }]);
  });

  it('records a late dispatch as late and leaves the dispatch timer to compensate', () => {
    const plan = planShipment({ orderId: 'o-1', paidAt, dispatchDueAt, shippedAt: at(49 * HOUR) });
    expect(plan.onTime).toBe(false);
    expect(plan.cancel).toEqual([]);
    expect(plan.reasons.map((r) => r.code)).toContain('PROMISE.DISPATCHED_LATE');
  });

  it('rejects a shipment before payment', () => {
    expect(() => planShipment({ orderId: 'o-1', paidAt, dispatchDueAt, shippedAt: at(-1) })).toThrow(ValidationError);
  });
});

describe('onDispatchDeadline', () => {
  const order = { dispatchDueAt: at(48 * HOUR), amountFen: 20_000n };

  it('does nothing before the deadline', () => {
    expect(onDispatchDeadline(order, at(47 * HOUR)).kind).toBe('NOT_DUE');
  });

  it('does nothing when dispatched on time', () => {
    expect(onDispatchDeadline({ ...order, shippedAt: at(48 * HOUR) }, at(50 * HOUR)).kind).toBe('DISPATCHED_ON_TIME');
  });

  it('compensates the buyer once the deadline passed without dispatch', () => {
    const outcome = onDispatchDeadline(order, at(48 * HOUR));
    expect(outcome).toMatchObject({ kind: 'LATE', compensationFen: 5_000n });
  });

  it('treats a shipment recorded after the deadline as late even if the timer ran later', () => {
    const outcome = onDispatchDeadline({ ...order, shippedAt: at(60 * HOUR) }, at(61 * HOUR));
    expect(outcome.kind).toBe('LATE');
  });
});

describe('onFirstScanDeadline', () => {
  const shipment = { trackingNumber: 'SF123', firstScanDueAt: at(24 * HOUR) };

  it('is not due before 24 h', () => {
    expect(onFirstScanDeadline(shipment, at(23 * HOUR)).kind).toBe('NOT_DUE');
  });

  it('is fine when the carrier scanned in time', () => {
    expect(onFirstScanDeadline({ ...shipment, firstScanAt: at(3 * HOUR) }, at(24 * HOUR)).kind).toBe('SCANNED');
  });

  it('flags a fake shipment when no scan came within 24 h, even if one came later', () => {
    expect(onFirstScanDeadline(shipment, at(24 * HOUR)).kind).toBe('FAKE_SHIPMENT');
    const late = onFirstScanDeadline({ ...shipment, firstScanAt: at(30 * HOUR) }, at(31 * HOUR));
    expect(late.kind).toBe('FAKE_SHIPMENT');
    if (late.kind === 'FAKE_SHIPMENT') expect(late.reasons[0]?.evidence.tracking_number).toBe('SF123');
  });
});
