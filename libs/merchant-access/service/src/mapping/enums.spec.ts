import { MerchantStatus, ViolationType } from '@govern/contracts-merchant-access';
import { IDENTIFIER_KINDS, STATUS_SEVERITY, VIOLATION_TYPES, type MerchantStatus as MerchantStatusName } from '@govern/merchant-access-domain';
import { describe, expect, it } from 'vitest';
import { identifierKindCodec, merchantStatusCodec, violationTypeCodec } from './enums';

describe('enum codecs', () => {
  it('know every name the domain uses, and map it to its contract value and back', () => {
    for (const name of VIOLATION_TYPES) expect(violationTypeCodec.fromProto(violationTypeCodec.toProto(name))).toBe(name);
    for (const name of IDENTIFIER_KINDS) expect(identifierKindCodec.fromProto(identifierKindCodec.toProto(name))).toBe(name);
    for (const name of Object.keys(STATUS_SEVERITY) as MerchantStatusName[]) {
      expect(merchantStatusCodec.fromProto(merchantStatusCodec.toProto(name))).toBe(name);
    }
    expect(merchantStatusCodec.toProto('REMOVED')).toBe(MerchantStatus.MERCHANT_STATUS_REMOVED);
  });

  it('read UNSPECIFIED and unknown numbers as missing', () => {
    expect(violationTypeCodec.fromProto(ViolationType.VIOLATION_TYPE_UNSPECIFIED)).toBeUndefined();
    expect(violationTypeCodec.fromProto(999)).toBeUndefined();
    expect(violationTypeCodec.fromProto(ViolationType.UNRECOGNIZED)).toBeUndefined();
  });
});
