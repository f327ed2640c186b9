import { describe, expect, it } from 'vitest';
import { shadowPoliciesSetting } from './shadow-policies.setting';

describe('SHADOW_POLICIES', () => {
  it('reads kind=version pairs; unset or empty means no shadow', () => {
    expect(shadowPoliciesSetting().parse(undefined)).toEqual({});
    expect(shadowPoliciesSetting().parse(' ')).toEqual({});
    expect(shadowPoliciesSetting().parse('listing-gate=2026-12-01.1, store-score=2026-12-01.2')).toEqual({ 'listing-gate': '2026-12-01.1', 'store-score': '2026-12-01.2' });
  });

  it('refuses what is not kind=version, and a kind named twice', () => {
    expect(shadowPoliciesSetting().safeParse('listing-gate').error?.issues[0]?.message).toBe('"listing-gate" is not kind=version');
    expect(shadowPoliciesSetting().safeParse('Listing=1').success).toBe(false);
    expect(shadowPoliciesSetting().safeParse('a=1,a=2').error?.issues[0]?.message).toBe('kind a is named twice');
  });
});
