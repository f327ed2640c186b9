import { TrackingScanType } from '@govern/contracts-consumer-experience';
import { HOUR, MINUTE } from '@govern/policy-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, startFixture, type Fixture } from './testing/service-fixture';

/**
 * Issue 11.7: a retry gets the stored answer before the request's clock-dependent checks run again.
 * A call accepted at first may look different to the checks later: retried on a replica whose
 * clock is a few minutes behind (a paid_at just inside the allowed skew is then "in the future"),
 * or after a check's window moved on. The retry must get the first answer, not INVALID_ARGUMENT.
 */
describe('idempotent retries and time-relative checks', () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => f?.stop());

  it('a RecordOrder retried where its paid_at now fails the clock check gets the stored answer; a new request is refused', async () => {
    const accepted = new Date(f.clock.now().getTime() + 4 * MINUTE); // inside the 5-minute clock skew
    const request = f.orderRequest({ categoryCode: 'home', amountFen: 5_000n, paidAt: accepted });
    const first = await f.client.recordOrder(request);
    // The retry lands on a replica whose clock is 3 minutes behind: paid_at is now 7 minutes ahead.
    f.clock.advance(-3 * MINUTE);
    expect(await f.client.recordOrder(request)).toEqual(first);
    const fresh = await failureOf(f.client.recordOrder({ ...request, requestId: f.id('req'), orderId: f.id('order') }));
    expect([fresh.codeName, fresh.fieldViolations.map((v) => v.field)]).toEqual(['INVALID_ARGUMENT', ['paid_at']]);
    f.clock.advance(3 * MINUTE);
  });

  it('a RecordShipment retried the same way gets its stored answer; a new shipment at that time is refused', async () => {
    const orderId = await f.recordOrder({ paidAt: new Date(f.clock.now().getTime() - HOUR) });
    const shipment = { requestId: f.id('req'), orderId, trackingNumber: f.id('SF'), carrierCode: 'SF', shippedAt: new Date(f.clock.now().getTime() + 4 * MINUTE), afterSaleId: '' };
    const first = await f.client.recordShipment(shipment);
    f.clock.advance(-3 * MINUTE);
    expect(await f.client.recordShipment(shipment)).toEqual(first);
    const fresh = await failureOf(f.client.recordShipment({ ...shipment, requestId: f.id('req'), trackingNumber: f.id('SF') }));
    expect(fresh.fieldViolations.map((v) => [v.field, v.reason])).toEqual([['shipped_at', 'IN_FUTURE']]);
    f.clock.advance(3 * MINUTE);
  });

  it('a RecordTrackingScan retried the same way gets its stored answer', async () => {
    const orderId = await f.recordOrder({ paidAt: new Date(f.clock.now().getTime() - HOUR) });
    const trackingNumber = f.id('SF');
    await f.client.recordShipment({ requestId: f.id('req'), orderId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    const scan = {
      requestId: f.id('req'),
      trackingNumber,
      carrierCode: 'SF',
      scanType: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP,
      scannedAt: new Date(f.clock.now().getTime() + 4 * MINUTE),
      location: 'Hangzhou',
    };
    const first = await f.client.recordTrackingScan(scan);
    f.clock.advance(-3 * MINUTE);
    expect(await f.client.recordTrackingScan(scan)).toEqual(first);
    f.clock.advance(3 * MINUTE);
  });
});
