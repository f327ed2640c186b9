import { describe, expect, it } from 'vitest';
import { checkEventOrigin, producerOfEventType, producerOfSubject } from './event-origin';

describe('event origin: a type is believed only on its producer’s subjects', () => {
  it('accepts an event on its own service’s subject and stream', () => {
    expect(
      checkEventOrigin(
        { subject: 'govern.product_quality.inspection.failed', eventType: 'govern.product_quality.v1.InspectionFailed', stream: 'GOVERN_PRODUCT_QUALITY' },
        'govern.product_quality.inspection.failed',
      ),
    ).toEqual({ ok: true, producer: 'product_quality' });
  });

  it('refuses a type published on another service’s subjects (what merchant-access could do with its own NATS rights)', () => {
    const check = checkEventOrigin({ subject: 'govern.merchant_access.inspection.failed', eventType: 'govern.product_quality.v1.InspectionFailed', stream: 'GOVERN_MERCHANT_ACCESS' });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(/belongs to product_quality but was published on "govern.merchant_access.inspection.failed"/);
  });

  it('refuses a type on the right producer’s subjects but not the subject it is declared on', () => {
    const check = checkEventOrigin({ subject: 'govern.product_quality.listing.approved', eventType: 'govern.product_quality.v1.InspectionFailed' }, 'govern.product_quality.inspection.failed');
    expect(!check.ok && check.reason).toMatch(/is published on govern.product_quality.inspection.failed/);
  });

  it('refuses a stream that is not the producer’s, types that are not governance types, and dead-letter subjects', () => {
    expect(checkEventOrigin({ subject: 'govern.product_quality.inspection.failed', eventType: 'govern.product_quality.v1.InspectionFailed', stream: 'GOVERN_DLQ' }).ok).toBe(false);
    expect(checkEventOrigin({ subject: 'govern.product_quality.inspection.failed', eventType: '' }).ok).toBe(false);
    expect(checkEventOrigin({ subject: 'govern.dlq.GOVERN_PRODUCT_QUALITY.x', eventType: 'govern.dlq.v1.Thing' }).ok).toBe(false);
    expect(producerOfSubject('govern.dlq.GOVERN_X.y')).toBeUndefined();
    expect(producerOfEventType('govern.content.v1.ContentAssessed')).toBe('content');
  });

  it('keeps attacker-chosen text in the reason short and on one line', () => {
    const check = checkEventOrigin({ subject: 'govern.content.x', eventType: `govern.product_quality.v1.A${'B'.repeat(5_000)}\nInjected` });
    expect(!check.ok && check.reason.length).toBeLessThan(400);
    expect(!check.ok && check.reason).not.toContain('\n');
  });
});
