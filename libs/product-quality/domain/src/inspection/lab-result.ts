import { type PolicyRef, type Reason, Violations, reason } from '@govern/policy-core';
import { SAMPLING_INSPECTION_POLICY, type SamplingInspectionPolicy } from './sampling-inspection.policy';

/** Class of a defect a lab found (most serious first in `DEFECT_SEVERITY_ORDER`). */
export type LabDefectClass = 'CRITICAL' | 'MAJOR' | 'MINOR';

const DEFECT_SEVERITY_ORDER: readonly LabDefectClass[] = ['CRITICAL', 'MAJOR', 'MINOR'];

export interface LabDefect {
  defectClass: LabDefectClass;
  /** Lab's defect code or test item, e.g. PHTHALATES_OVER_LIMIT. */
  code: string;
  description: string;
}

export interface LabResultInput {
  verdict: 'PASS' | 'FAIL';
  defects: readonly LabDefect[];
  reportRef: string;
}

/** A product as the lab consequences need it. */
export interface TestedProduct {
  productId: string;
  skuId: string;
  merchantId: string;
  categoryCode: string;
}

export interface LabAssessment {
  critical: number;
  major: number;
  minor: number;
  /** Most serious defect class found; undefined when none. */
  severity: LabDefectClass | undefined;
  failed: boolean;
  /** Products to ban: the tested one and the merchant's other products of the same SKU. */
  banTargets: TestedProduct[];
  /** Reasons of the ban (empty when nothing is banned). */
  banReasons: Reason[];
  policy: PolicyRef;
}

/** Bad input: no report reference, a FAIL without defects, a PASS with a critical or major defect. */
export const validateLabResult = (input: LabResultInput): void => {
  const v = new Violations();
  v.require('report_ref', input.reportRef);
  v.check(input.verdict !== 'FAIL' || input.defects.length > 0, 'defects', 'a failed test must list its defects', 'REQUIRED');
  v.check(
    input.verdict !== 'PASS' || input.defects.every((d) => d.defectClass === 'MINOR'),
    'verdict',
    'a pass cannot have critical or major defects',
    'INCONSISTENT',
  );
  input.defects.forEach((d, i) => v.require(`defects[${i}].code`, d.code));
  v.throwIfAny();
};

/**
 * What a lab result means. A critical failure bans the product and the merchant's other
 * listings of the same SKU (the same goods relisted under another product id).
 */
export const assessLabResult = (
  input: LabResultInput,
  product: TestedProduct,
  merchantProducts: readonly TestedProduct[],
  policy: SamplingInspectionPolicy = SAMPLING_INSPECTION_POLICY,
): LabAssessment => {
  validateLabResult(input);
  const count = (c: LabDefectClass): number => input.defects.filter((d) => d.defectClass === c).length;
  const critical = count('CRITICAL');
  const major = count('MAJOR');
  const minor = count('MINOR');
  const severity = DEFECT_SEVERITY_ORDER.find((c) => count(c) > 0);
  const failed = input.verdict === 'FAIL';
  const bans = failed && ((severity === 'CRITICAL' && policy.banOnCritical) || (severity === 'MAJOR' && policy.banOnMajor));

  const sameSku = merchantProducts.filter(
    (p, i, all) =>
      p.skuId === product.skuId &&
      p.merchantId === product.merchantId &&
      p.productId !== product.productId &&
      all.findIndex((q) => q.productId === p.productId) === i,
  );
  const evidence = {
    report_ref: input.reportRef,
    severity: severity ?? 'NONE',
    critical_defects: String(critical),
    major_defects: String(major),
    minor_defects: String(minor),
    defect_codes: input.defects.filter((d) => d.defectClass === severity).map((d) => d.code).join(','),
  };
  return {
    critical,
    major,
    minor,
    severity,
    failed,
    banTargets: bans ? [product, ...sameSku] : [],
    banReasons: bans
      ? [
          reason('BAN.LAB_FAILURE', `Lab test failed with a ${severity?.toLowerCase()} defect`, { ...evidence, tested_product_id: product.productId }),
        ]
      : [],
    policy: { name: policy.name, version: policy.version },
  };
};
