import { DefectClass, InspectionFailed, InspectionFailedEvent, ListingRejected, ListingRejectedEvent } from '@govern/contracts-product-quality';
import { describe, expect, it } from 'vitest';
import { violationOfQualityEvent } from './quality-violations.consumer';

const listing = (threeNo: boolean) => ListingRejected.fromPartial({ merchantId: 'm-1', listingId: 'l-1', productId: 'p-1', threeNo });
const inspection = (severity: DefectClass, criticalDefects: number) =>
  InspectionFailed.fromPartial({ merchantId: 'm-1', productId: 'p-2', resultId: 'r-1', reportRef: 'lab-9', severity, criticalDefects, majorDefects: 2 });
const ctxOf = (typeName: string) => ({ typeName, eventId: 'evt-1' });

describe('violations from product-quality events', () => {
  it('turns a three-no listing rejection into a THREE_NO_LISTING violation referenced by the listing', () => {
    expect(violationOfQualityEvent(listing(true), ctxOf(ListingRejectedEvent.typeName))).toMatchObject({
      merchantId: 'm-1',
      type: 'THREE_NO_LISTING',
      source: 'PRODUCT_QUALITY',
      sourceRef: 'three-no-listing:l-1',
      productId: 'p-1',
      evidence: { listing_id: 'l-1' },
    });
  });

  it('leaves other listing rejections to product-quality (the listing was blocked; no points)', () => {
    expect(violationOfQualityEvent(listing(false), ctxOf(ListingRejectedEvent.typeName))).toBeUndefined();
  });

  it('turns a critical lab failure into a CRITICAL_INSPECTION_FAILURE violation, and ignores a major-only one', () => {
    expect(violationOfQualityEvent(inspection(DefectClass.DEFECT_CLASS_CRITICAL, 1), ctxOf(InspectionFailedEvent.typeName))).toMatchObject({
      type: 'CRITICAL_INSPECTION_FAILURE',
      sourceRef: 'inspection-result:r-1',
      evidence: { report_ref: 'lab-9', critical_defects: '1', major_defects: '2' },
    });
    expect(violationOfQualityEvent(inspection(DefectClass.DEFECT_CLASS_MAJOR, 0), ctxOf(InspectionFailedEvent.typeName))).toBeUndefined();
  });
});
