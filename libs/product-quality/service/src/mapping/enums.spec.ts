import { describe, expect, it } from 'vitest';
import { BanCause, InspectionLevel, QualityTier, SamplingSeverity } from '@govern/contracts-product-quality';
import * as codecs from './enums';

const protoValues = (protoEnum: Record<string, string | number>): number[] =>
  Object.values(protoEnum).filter((v): v is number => typeof v === 'number' && v > 0);

describe('proto enum codecs', () => {
  it('map every value of the contract both ways, and UNSPECIFIED or unknown numbers to nothing', () => {
    for (const [protoEnum, codec] of [
      [BanCause, codecs.banCauses],
      [QualityTier, codecs.qualityTiers],
      [InspectionLevel, codecs.inspectionLevels],
      [SamplingSeverity, codecs.samplingStages],
    ] as const) {
      for (const value of protoValues(protoEnum)) {
        const name = codec.fromProto(value);
        expect(name).toBeDefined();
        expect(codec.toProto(name as never)).toBe(value);
      }
      expect(codec.fromProto(0)).toBeUndefined();
      expect(codec.fromProto(99)).toBeUndefined();
    }
  });

  it('speaks the domain\'s names where the contract spells them differently', () => {
    expect(codecs.inspectionLevels.fromProto(InspectionLevel.INSPECTION_LEVEL_S3)).toBe('S-3');
    expect(codecs.inspectionLevels.toProto('II')).toBe(InspectionLevel.INSPECTION_LEVEL_GENERAL_II);
    expect(codecs.samplingStages.toProto('STOPPED')).toBe(SamplingSeverity.SAMPLING_SEVERITY_DISCONTINUED);
  });

  it('refuses a stored value it does not know instead of guessing', () => {
    expect(codecs.stored(codecs.banStatuses, 'LIFTED')).toBe('LIFTED');
    expect(() => codecs.stored(codecs.banStatuses, 'GONE')).toThrow(/unexpected stored value/);
  });
});
