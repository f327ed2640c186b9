import { z } from 'zod';
import { ConfigError } from '@govern/platform-core';
import { createTokenVerifier, type TokenVerifier } from './token-verifier';

/**
 * Settings of the bearer-token issuer a service trusts. Spread into an app's schema next to
 * `transportSecuritySettings`. Without JWT_ISSUER the service accepts no tokens (callers need
 * a client certificate); with it, exactly one of JWT_JWKS_URL / JWT_JWKS_FILE.
 */
export const callerTokenSettings = {
  /** The `iss` of accepted tokens, e.g. `https://sso.example.com/realms/platform`. */
  JWT_ISSUER: z.string().min(1).optional(),
  /** The `aud` accepted tokens must name. */
  JWT_AUDIENCE: z.string().min(1).default('govern'),
  /** The issuer's JWKS endpoint (keys are cached; an unknown `kid` triggers a refetch, which is how rotation works). */
  JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** A JWKS file (mounted secret, or the dev issuer's `tmp/embedded/pki/jwks.json`); re-read when it changes. */
  JWT_JWKS_FILE: z.string().min(1).optional(),
  /** Tolerated clock difference with the issuer for exp/nbf. */
  JWT_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(300).default(30),
  /** Dot path of the roles claim (e.g. `realm_access.roles` for Keycloak). */
  JWT_ROLES_CLAIM: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/, 'a dot path of claim names').default('roles'),
};

export type CallerTokenSettings = z.infer<z.ZodObject<typeof callerTokenSettings>>;

/** The verifier the settings describe, or undefined when no issuer is configured; problems name their setting. */
export const tokenVerifierFromSettings = (settings: CallerTokenSettings, options: { certificateOnlyWorkloads?: readonly string[] } = {}): TokenVerifier | undefined => {
  const sources = (['JWT_JWKS_URL', 'JWT_JWKS_FILE'] as const).filter((name) => settings[name] !== undefined);
  if (!settings.JWT_ISSUER) {
    if (sources.length > 0) throw new ConfigError(sources.map((name) => `${name}: set JWT_ISSUER too (the issuer whose keys these are)`));
    return undefined;
  }
  if (sources.length !== 1) throw new ConfigError([`JWT_JWKS_URL, JWT_JWKS_FILE: exactly one is required with JWT_ISSUER (got ${sources.length})`]);
  return createTokenVerifier({
    issuer: settings.JWT_ISSUER,
    audience: settings.JWT_AUDIENCE,
    keys: settings.JWT_JWKS_URL ? { url: settings.JWT_JWKS_URL } : { file: settings.JWT_JWKS_FILE as string },
    clockToleranceSec: settings.JWT_CLOCK_SKEW_S,
    rolesClaim: settings.JWT_ROLES_CLAIM,
    ...(options.certificateOnlyWorkloads ? { certificateOnlyWorkloads: options.certificateOnlyWorkloads } : {}),
  });
};
