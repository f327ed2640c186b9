import { MerchantStatus, ViolationType } from '@govern/contracts-merchant-access';
import { VIOLATION_TYPES } from '@govern/merchant-access-domain';
import { describe, expect, it } from 'vitest';
import { merchantStatusCodec, MERCHANT_STATUSES, violationTypeCodec } from './enums';

describe('enum codecs', () => {
  it('map every domain name to its contract value and back', () => {
    for (const name of VIOLATION_TYPES) expect(violationTypeCodec.fromProto(violationTypeCodec.toProto(name))).toBe(name);
    for (const name of MERCHANT_STATUSES) expect(merchantStatusCodec.fromProto(merchantStatusCodec.toProto(name))).toBe(name);
    expect(merchantStatusCodec.toProto('REMOVED')).toBe(MerchantStatus.MERCHANT_STATUS_REMOVED);
  });

  it('read UNSPECIFIED and unknown numbers as missing', () => {
    expect(violationTypeCodec.fromProto(ViolationType.VIOLATION_TYPE_UNSPECIFIED)).toBeUndefined();
    expect(violationTypeCodec.fromProto(999)).toBeUndefined();
    expect(violationTypeCodec.fromProto(ViolationType.UNRECOGNIZED)).toBeUndefined();
  });
});
