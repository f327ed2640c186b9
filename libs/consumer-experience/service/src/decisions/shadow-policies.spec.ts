import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { parseShadowPolicies } from './shadow-policies';

describe('the SHADOW_POLICIES setting', () => {
  it('reads kind=version pairs, spaces and empty entries ignored', () => {
    expect(parseShadowPolicies(undefined)).toEqual({});
    expect(parseShadowPolicies(' fast-refund = 2026-12-01.1 ,, compensation=2026-12-01.1')).toEqual({ 'fast-refund': '2026-12-01.1', compensation: '2026-12-01.1' });
  });

  it('reports every malformed entry at once', () => {
    const parse = () => parseShadowPolicies('fast-refund,a=b=c,x=1,x=2');
    expect(parse).toThrow(ValidationError);
    expect(parse).toThrow('"fast-refund" is not kind=version; "a=b=c" is not kind=version; "x" is given twice');
  });
});
