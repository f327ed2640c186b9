import { ContentTier, LivestreamActionKind, PenaltyState, ViolationSeverity } from '@govern/contracts-content';
import { describe, expect, it } from 'vitest';
import { contentTiers, liveLevelToProto, penaltyStates, penaltyStateToProto, severities, tierToProto } from './enums';

describe('enum mapping', () => {
  it('maps domain names to proto values and back', () => {
    expect(tierToProto('PREMIUM')).toBe(ContentTier.CONTENT_TIER_PREMIUM);
    expect(contentTiers.fromProto(ContentTier.CONTENT_TIER_BLOCKED)).toBe('BLOCKED');
    expect(liveLevelToProto('LIMIT_TRAFFIC')).toBe(LivestreamActionKind.LIVESTREAM_ACTION_KIND_LIMIT_TRAFFIC);
    expect(penaltyStates.fromProto(penaltyStateToProto('LIFTED'))).toBe('LIFTED');
    expect(severities.fromProto(ViolationSeverity.VIOLATION_SEVERITY_CRITICAL)).toBe('CRITICAL');
  });

  it('treats unset and unknown values as no value', () => {
    expect(tierToProto(null)).toBe(ContentTier.CONTENT_TIER_UNSPECIFIED);
    expect(tierToProto('SOMETHING_ELSE')).toBe(ContentTier.CONTENT_TIER_UNSPECIFIED);
    expect(contentTiers.fromProto(ContentTier.CONTENT_TIER_UNSPECIFIED)).toBeUndefined();
    expect(penaltyStates.fromProto(99 as PenaltyState)).toBeUndefined();
  });
});
