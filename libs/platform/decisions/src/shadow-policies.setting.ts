import { z } from 'zod';

const ENTRY = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)=([^\s,=]+)$/;

/**
 * SHADOW_POLICIES: `kind=version` pairs separated by commas (`listing-gate=2026-12-01.1`), the
 * shadow candidates seeded at start. Only the form is checked here; whether the service has the
 * kind and can load the version is checked by the decision log at start (a mistake stops it).
 * Every service's app reads it (`SHADOW_POLICIES: shadowPoliciesSetting()`) and hands the pairs
 * to `seedShadowPolicies`.
 */
export const shadowPoliciesSetting = () =>
  z
    .string()
    .default('')
    .transform((text, ctx) => {
      const policies: Record<string, string> = {};
      for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e.length > 0)) {
        const match = ENTRY.exec(entry);
        if (!match) {
          ctx.addIssue({ code: 'custom', message: `"${entry.slice(0, 80)}" is not kind=version` });
          return z.NEVER;
        }
        const [, kind, version] = match as unknown as [string, string, string];
        if (Object.hasOwn(policies, kind)) {
          ctx.addIssue({ code: 'custom', message: `kind ${kind} is named twice` });
          return z.NEVER;
        }
        policies[kind] = version;
      }
      return policies;
    });
