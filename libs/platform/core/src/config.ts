import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses settings once, at start-up, against an app's zod schema. Every problem names
 * the setting (`PORT: expected a number, got "abc"`), so a bad deployment says what to fix.
 */
export const parseConfig = <S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> => {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(root)';
      const value = issue.path.length === 1 ? source[String(issue.path[0])] : undefined;
      return value === undefined ? `${name}: ${issue.message}` : `${name}: ${issue.message} (got ${JSON.stringify(value)})`;
    }),
  );
};

/** Reusable setting types, so every app spells them the same way. */
export const settings = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  host: () => z.string().min(1).default('127.0.0.1'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  postgresUrl: () => z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' }),
  natsUrl: () => z.url({ protocol: /^(nats|tls)$/, error: 'must be a nats:// URL' }),
  milliseconds: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  /** A secret given in the environment, e.g. the key for hashing identity numbers. */
  secret: (minLength = 16) => z.string().min(minLength, `must be at least ${minLength} characters`),
};
