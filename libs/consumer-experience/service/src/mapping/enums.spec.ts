import { AfterSaleStatus, CompensationCause, FulfilmentType } from '@govern/contracts-consumer-experience';
import { OPEN_AFTER_SALE_STATUSES } from '@govern/consumer-experience-domain';
import { describe, expect, it } from 'vitest';
import { afterSaleStatusCodec, compensationCauseCodec, fulfilmentCodec } from './enums';

describe('proto enums <-> domain words', () => {
  it('maps every value both ways, without the prefix', () => {
    expect(fulfilmentCodec.fromProto(FulfilmentType.FULFILMENT_TYPE_PRE_SALE)).toBe('PRE_SALE');
    expect(fulfilmentCodec.toProto('IN_STOCK')).toBe(FulfilmentType.FULFILMENT_TYPE_IN_STOCK);
    for (const word of compensationCauseCodec.names) expect(compensationCauseCodec.fromProto(compensationCauseCodec.toProto(word))).toBe(word);
    expect(compensationCauseCodec.toProto('FOOD_SAFETY')).toBe(CompensationCause.COMPENSATION_CAUSE_FOOD_SAFETY);
  });

  it('treats UNSPECIFIED and unknown numbers as missing, so validation reports them', () => {
    expect(fulfilmentCodec.fromProto(FulfilmentType.FULFILMENT_TYPE_UNSPECIFIED)).toBeUndefined();
    expect(fulfilmentCodec.fromProto(99)).toBeUndefined();
    expect(fulfilmentCodec.names).toEqual(['IN_STOCK', 'PRE_SALE']);
  });

  it('knows every after-sale status the domain opens, and stored words map back', () => {
    for (const status of OPEN_AFTER_SALE_STATUSES) expect(afterSaleStatusCodec.toProto(status)).not.toBe(AfterSaleStatus.AFTER_SALE_STATUS_UNSPECIFIED);
    expect(afterSaleStatusCodec.toProto(null)).toBe(AfterSaleStatus.AFTER_SALE_STATUS_UNSPECIFIED);
  });
});
