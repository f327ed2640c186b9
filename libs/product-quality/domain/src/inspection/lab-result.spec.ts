import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { type TestedProduct, assessLabResult } from './lab-result';

const tested: TestedProduct = { productId: 'P-1', skuId: 'SKU-1', merchantId: 'M-1', categoryCode: 'toys.plush' };
const others: TestedProduct[] = [
  { productId: 'P-2', skuId: 'SKU-1', merchantId: 'M-1', categoryCode: 'toys.plush' }, // same goods relisted
  { productId: 'P-3', skuId: 'SKU-2', merchantId: 'M-1', categoryCode: 'toys.plush' },
  { productId: 'P-4', skuId: 'SKU-1', merchantId: 'M-9', categoryCode: 'toys.plush' }, // another merchant's SKU-1
  tested,
];

describe('lab results', () => {
  it('bans the product and its same-SKU listings on a critical failure, with the report as evidence', () => {
    const a = assessLabResult(
      {
        verdict: 'FAIL',
        reportRef: 'CNAS-2026-0012',
        defects: [
          { defectClass: 'CRITICAL', code: 'PHTHALATES_OVER_LIMIT', description: 'DEHP 0.31% > 0.1%' },
          { defectClass: 'MINOR', code: 'LABEL', description: 'age warning missing' },
        ],
      },
      tested,
      others,
    );
    expect(a).toMatchObject({ failed: true, severity: 'CRITICAL', critical: 1, major: 0, minor: 1 });
    expect(a.banTargets.map((p) => p.productId)).toEqual(['P-1', 'P-2']);
    expect(a.banReasons[0]).toMatchObject({
      code: 'BAN.LAB_FAILURE',
      evidence: { report_ref: 'CNAS-2026-0012', severity: 'CRITICAL', defect_codes: 'PHTHALATES_OVER_LIMIT' },
    });
  });

  it('does not ban on a major failure (it lowers the quality score instead)', () => {
    const a = assessLabResult(
      { verdict: 'FAIL', reportRef: 'R-2', defects: [{ defectClass: 'MAJOR', code: 'SEAM_STRENGTH', description: '' }] },
      tested,
      others,
    );
    expect(a).toMatchObject({ failed: true, severity: 'MAJOR', banTargets: [] });
  });

  it('accepts a pass with minor remarks and bans nothing', () => {
    const a = assessLabResult({ verdict: 'PASS', reportRef: 'R-3', defects: [{ defectClass: 'MINOR', code: 'LABEL', description: '' }] }, tested, others);
    expect(a).toMatchObject({ failed: false, severity: 'MINOR', banTargets: [] });
  });

  it('rejects inconsistent results as bad input', () => {
    expect(() => assessLabResult({ verdict: 'FAIL', reportRef: 'R', defects: [] }, tested, [])).toThrow(ValidationError);
    expect(() =>
      assessLabResult({ verdict: 'PASS', reportRef: 'R', defects: [{ defectClass: 'CRITICAL', code: 'X', description: '' }] }, tested, []),
    ).toThrow(ValidationError);
    expect(() => assessLabResult({ verdict: 'PASS', reportRef: ' ', defects: [] }, tested, [])).toThrow(ValidationError);
  });
});
