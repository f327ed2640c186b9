import { describe, expect, it } from 'vitest';
import { ValidationError } from './domain-error';
import { codePoints, REASON, Violations } from './validation';

describe('Violations', () => {
  it('counts length in code points: an emoji is one character', () => {
    const v = new Violations();
    expect(codePoints('🙂a\ud800')).toBe(3);
    expect(v.maxLength('title', '🙂'.repeat(5), 5)).toBe(true);
    expect(v.maxLength('title', '🙂'.repeat(6), 5)).toBe(false);
    expect(v.items).toEqual([{ field: 'title', description: 'must be at most 5 characters', reason: REASON.TOO_LONG }]);
  });

  it('absorbs another validator under a prefix and keeps its result', () => {
    const v = new Violations();
    expect(v.absorb(() => 7)).toBe(7);
    const failed = v.absorb(() => {
      throw new ValidationError([
        { field: 'title', description: 'is required', reason: REASON.REQUIRED },
        { field: '', description: 'is empty', reason: REASON.REQUIRED },
      ]);
    }, 'listing');
    expect(failed).toBeUndefined();
    expect(v.items.map((i) => i.field)).toEqual(['listing.title', 'listing']);
    expect(() => v.absorb(() => JSON.parse('{'))).toThrow(SyntaxError);
  });
});
