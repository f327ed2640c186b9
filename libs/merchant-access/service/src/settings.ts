/** What merchant-access needs from its deployment besides the platform settings. */
export interface MerchantAccessSettings {
  /**
   * Secret key of the HMAC that turns identity numbers into the hashes the service stores and
   * links on. Rotating it makes every stored hash unmatchable, so it is set once per environment.
   */
  identityHashKey: string;
  /**
   * Shadow candidates seeded at start (SHADOW_POLICIES, e.g. `onboarding=2026-12-01.1`): kind ->
   * candidate version. Seeded only where no setting of the kind was ever made, so an operator's
   * later change through SetShadowPolicy is not undone by a restart.
   */
  shadowPolicies?: Readonly<Record<string, string>>;
}

/** Shorter keys are refused at start-up: an HMAC key is a secret, not a salt. */
export const IDENTITY_HASH_KEY_MIN_LENGTH = 32;

/**
 * The key the dev platform (embedded mode) hashes with. Named so it cannot be mistaken for a real
 * one; the service logs a warning whenever it runs with it.
 */
export const DEVELOPMENT_IDENTITY_HASH_KEY = 'merchant-access-DEVELOPMENT-ONLY-identity-hash-key-never-use-in-production';
