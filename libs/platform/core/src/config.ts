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

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** The settings every service app has; an app extends this object with its own. */
export const serviceSettings = (defaultPort: number) =>
  z.object({
    HOST: settings.host(),
    PORT: settings.port(defaultPort),
    /** The service's own database. */
    DATABASE_URL: settings.postgresUrl(),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** Apply pending migrations at start (off where a deploy step migrates). */
    MIGRATE_ON_START: flag(true),
    NATS_URL: settings.natsUrl(),
    /** Isolates this deployment's streams on a shared NATS (one test run, one staging copy); none in production. */
    EVENT_NAMESPACE: z
      .string()
      .regex(/^[a-z][a-z0-9]{0,31}$/, 'lowercase letters and digits, starting with a letter')
      .optional(),
    LOG_LEVEL: settings.logLevel(),
    /** How long SIGTERM waits for in-flight calls before it forces the server down. */
    SHUTDOWN_GRACE_MS: settings.milliseconds(10_000),
  });

export type ServiceSettings = z.infer<ReturnType<typeof serviceSettings>>;
