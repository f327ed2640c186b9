import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { codeLetter } from './code-letters.table';
import type { InspectionLevel } from './sampling.types';

// Published values of ISO 2859-1:1999 Table 1 (identical in GB/T 2828.1-2012 and ANSI/ASQ Z1.4).
describe('Table 1: sample size code letters', () => {
  it('gives J for a lot of 1000 at general level II', () => {
    expect(codeLetter(1000, 'II')).toBe('J');
  });

  it('walks level II from A to Q across the fifteen lot size ranges', () => {
    const upperBounds = [8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10000, 35000, 150000, 500000, 2_000_000];
    expect(upperBounds.map((n) => codeLetter(n, 'II')).join('')).toBe('ABCDEFGHJKLMNPQ');
  });

  it('changes letter exactly at the range boundaries', () => {
    expect([codeLetter(8, 'II'), codeLetter(9, 'II')]).toEqual(['A', 'B']);
    expect([codeLetter(500, 'II'), codeLetter(501, 'II')]).toEqual(['H', 'J']);
    expect([codeLetter(3200, 'II'), codeLetter(3201, 'II')]).toEqual(['K', 'L']);
    expect([codeLetter(500000, 'III'), codeLetter(500001, 'III')]).toEqual(['Q', 'R']);
  });

  it.each<[number, InspectionLevel, string]>([
    [2, 'III', 'B'],
    [1000, 'I', 'G'],
    [3201, 'I', 'J'],
    [500001, 'I', 'N'],
    [8, 'S-1', 'A'],
    [51, 'S-1', 'B'],
    [501, 'S-1', 'C'],
    [35001, 'S-1', 'D'],
    [26, 'S-2', 'B'],
    [151, 'S-2', 'C'],
    [1201, 'S-2', 'D'],
    [35001, 'S-2', 'E'],
    [16, 'S-3', 'B'],
    [51, 'S-3', 'C'],
    [151, 'S-3', 'D'],
    [501, 'S-3', 'E'],
    [3201, 'S-3', 'F'],
    [35001, 'S-3', 'G'],
    [500001, 'S-3', 'H'],
    [26, 'S-4', 'C'],
    [91, 'S-4', 'D'],
    [151, 'S-4', 'E'],
    [501, 'S-4', 'F'],
    [1201, 'S-4', 'G'],
    [10001, 'S-4', 'H'],
    [35001, 'S-4', 'J'],
    [500001, 'S-4', 'K'],
  ])('lot %i at level %s is code letter %s', (lotSize, level, letter) => {
    expect(codeLetter(lotSize, level)).toBe(letter);
  });

  it('rejects lot sizes the table does not cover and unknown levels, naming the fields', () => {
    expect(() => codeLetter(1, 'II')).toThrow(ValidationError);
    expect(() => codeLetter(12.5, 'II')).toThrow(ValidationError);
    try {
      codeLetter(0, 'IV' as InspectionLevel);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).violations.map((x) => x.field)).toEqual(['lot_size', 'inspection_level']);
    }
  });
});
