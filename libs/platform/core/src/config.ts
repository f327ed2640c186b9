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
  /** One NATS server, or the nodes of a cluster comma-separated (`nats://a:4222,nats://b:4222`): each a nats:// or tls:// URL. */
  natsUrl: () =>
    z
      .string()
      .min(1)
      .refine((value) => value.split(',').every((one) => z.url({ protocol: /^(nats|tls)$/ }).safeParse(one.trim()).success), {
        error: 'must be a nats:// URL, or several comma-separated for a cluster',
      }),
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
    /** Published outbox rows are deleted after this age (0 keeps them); default 7 days. */
    OUTBOX_RETENTION_MS: z.coerce.number().int().min(0).default(7 * 24 * 3_600_000),
    /**
     * A consumer's inbox rows are deleted after this age (0 keeps them); unset, a day longer than
     * EVENT_STREAM_MAX_AGE_MS (platform-events' `inboxRetentionFor`). At least EVENT_STREAM_MAX_AGE_MS
     * plus an hour (checked at start): until then a stream may deliver an event again, and its inbox
     * row is what recognises it.
     */
    INBOX_RETENTION_MS: z.coerce.number().int().min(0).optional(),
    /** Refusals of one outbox row by a working bus before it is set dead (outbox_events.dead_at); default 10. */
    OUTBOX_MAX_REJECTIONS: z.coerce.number().int().min(1).max(1_000).default(10),
    /**
     * Limits of the event streams this service creates or updates (its own and those it consumes;
     * give every service the same values): age, bytes and message count, oldest discarded first.
     */
    EVENT_STREAM_MAX_AGE_MS: settings.milliseconds(7 * 24 * 3_600_000),
    EVENT_STREAM_MAX_BYTES: z.coerce.number().int().min(1_048_576).default(1024 ** 3),
    EVENT_STREAM_MAX_MSGS: z.coerce.number().int().min(1_000).default(10_000_000),
    /**
     * Replicas of the event streams this service creates or updates (give every service the same
     * value): 1 on a single server; 3 on a 3-node JetStream cluster, so a stream keeps taking and
     * keeping events through one node's loss. An existing stream is updated to it at start.
     */
    EVENT_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
    /** How long a stream drops a re-published event id; default 2 min. */
    EVENT_DUPLICATE_WINDOW_MS: settings.milliseconds(120_000),
    /** Health goes NOT_SERVING while a consumer has been down longer than this; default 30 s. */
    CONSUMER_DOWN_BOUND_MS: settings.milliseconds(30_000),
  });

export type ServiceSettings = z.infer<ReturnType<typeof serviceSettings>>;
