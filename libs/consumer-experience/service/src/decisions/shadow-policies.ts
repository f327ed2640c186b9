import { ValidationError } from '@govern/policy-core';

/**
 * The SHADOW_POLICIES setting: `kind=version` pairs separated by commas
 * (`fast-refund=2026-12-01.1,compensation=2026-12-01.1`), seeded at start with
 * `seedShadowPolicies` for kinds no operator has set yet. Hand-written: a two-level split,
 * with every malformed entry reported at once.
 */
export const parseShadowPolicies = (setting: string | undefined): Record<string, string> => {
  const policies: Record<string, string> = {};
  const problems: string[] = [];
  for (const entry of (setting ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [kind, version, ...rest] = entry.split('=').map((p) => p.trim());
    if (!kind || !version || rest.length > 0) problems.push(`"${entry}" is not kind=version`);
    else if (Object.hasOwn(policies, kind)) problems.push(`"${kind}" is given twice`);
    else policies[kind] = version;
  }
  if (problems.length > 0) throw new ValidationError([{ field: 'SHADOW_POLICIES', description: problems.join('; '), reason: 'INVALID' }], 'CONFIG.INVALID');
  return policies;
};
