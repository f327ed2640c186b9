import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig, serviceSettings, settings } from './config';

const schema = z.object({
  PORT: settings.port(50051),
  DATABASE_URL: settings.postgresUrl(),
  LOG_LEVEL: settings.logLevel(),
});

describe('parseConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = parseConfig(schema, { DATABASE_URL: 'postgresql://localhost/db' });
    expect(config).toEqual({ PORT: 50051, DATABASE_URL: 'postgresql://localhost/db', LOG_LEVEL: 'info' });
  });

  it('names every bad or missing setting', () => {
    let error: unknown;
    try {
      parseConfig(schema, { PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT: .*"abc"/m);
    expect(problems).toMatch(/^DATABASE_URL: /m);
    expect(problems).toMatch(/^LOG_LEVEL: .*"loud"/m);
  });

  it('rejects a database URL of the wrong kind', () => {
    expect(() => parseConfig(schema, { DATABASE_URL: 'mysql://localhost/db' })).toThrow(/DATABASE_URL: must be a postgresql/);
  });
});

describe('serviceSettings', () => {
  it('requires the database and bus and defaults the rest', () => {
    const parsed = parseConfig(serviceSettings(50053), { DATABASE_URL: 'postgresql://db/ma', NATS_URL: 'nats://127.0.0.1:4222', MIGRATE_ON_START: 'false' });
    expect(parsed).toMatchObject({ HOST: '127.0.0.1', PORT: 50053, MIGRATE_ON_START: false, SHUTDOWN_GRACE_MS: 10_000 });
    expect(() => parseConfig(serviceSettings(50053), {})).toThrow(/DATABASE_URL[\s\S]*NATS_URL/);
  });

  it('takes the nodes of a NATS cluster comma-separated, and stream replicas for it', () => {
    const base = { DATABASE_URL: 'postgresql://db/ma' };
    const cluster = parseConfig(serviceSettings(50053), { ...base, NATS_URL: 'nats://n1:4222, nats://n2:4222,tls://n3:4222', EVENT_STREAM_REPLICAS: '3' });
    expect(cluster).toMatchObject({ NATS_URL: 'nats://n1:4222, nats://n2:4222,tls://n3:4222', EVENT_STREAM_REPLICAS: 3 });
    expect(parseConfig(serviceSettings(50053), { ...base, NATS_URL: 'nats://n1:4222' }).EVENT_STREAM_REPLICAS).toBe(1);
    expect(() => parseConfig(serviceSettings(50053), { ...base, NATS_URL: 'nats://n1:4222,http://n2:80' })).toThrow(/NATS_URL: must be a nats:\/\/ URL, or several/);
    expect(() => parseConfig(serviceSettings(50053), { ...base, NATS_URL: 'nats://n1:4222,' })).toThrow(/NATS_URL/);
    expect(() => parseConfig(serviceSettings(50053), { ...base, NATS_URL: 'nats://n1:4222', EVENT_STREAM_REPLICAS: '0' })).toThrow(/EVENT_STREAM_REPLICAS/);
  });
});
