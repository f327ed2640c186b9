import { join } from 'node:path';
import { createServiceMetrics, inSpan, parseExposition, sampleValue, startTelemetry } from '@govern/platform-observability';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { HOUR, ManualClock } from '@govern/policy-core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from './generated/test-client/client';
import { createJobRunner, scheduleJobs } from './jobs';
import { connectPrisma, type DatabaseConnection } from './prisma-client';
import { runInTransaction } from './transaction';

/**
 * Durable jobs and issue 14: a job keeps the trace context of what scheduled it; a timer runs
 * in a trace of its own linked to it, a continuation chunk continues it; each run is counted
 * by outcome with its lateness by the service clock.
 */
const MIGRATIONS = join(import.meta.dirname, '..', 'prisma', 'migrations');

describe('a traced job runner', () => {
  let db: TestDatabase;
  let conn: DatabaseConnection<PrismaClient>;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MIGRATIONS, prefix: 'platform_jobs' });
    conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: db.url, poolSize: 4 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('links a timer to what scheduled it, continues the trace for a continuation kind, and counts runs with their lateness', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = startTelemetry({ serviceName: 'test', exporter });
    const metrics = createServiceMetrics({ serviceName: 'test', processMetrics: false });
    const clock = new ManualClock('2026-05-01T00:00:00Z');
    const scheduling = await inSpan(telemetry.tracer, 'schedule', {}, async (span) => {
      await runInTransaction(conn.client, (tx) =>
        scheduleJobs(tx, [
          { kind: 'deadline', key: 'o1', dueAt: new Date(clock.now().getTime() + 48 * HOUR) },
          { kind: 'chunk', key: 'c#2', dueAt: clock.now() },
          { kind: 'broken', key: 'b1', dueAt: clock.now() },
        ]),
      );
      return span.spanContext();
    });

    const runner = createJobRunner({
      database: conn,
      clock,
      log: pino({ level: 'silent' }),
      telemetry,
      metrics,
      continuationKinds: ['chunk'],
      maxAttempts: 1,
      handlers: {
        deadline: async () => undefined,
        chunk: async () => undefined,
        broken: async () => {
          throw new Error('cannot run');
        },
      },
    });
    clock.advance(48 * HOUR + 90_000);
    expect(await runner.runDue()).toBe(3);

    const spans = new Map(exporter.getFinishedSpans().map((span) => [span.name, span]));
    const timer = spans.get('job deadline');
    const chunk = spans.get('job chunk');
    expect(timer?.spanContext().traceId).not.toBe(scheduling.traceId);
    expect(timer?.links.map((link) => link.context.spanId)).toEqual([scheduling.spanId]);
    expect(timer?.attributes['govern.job.lateness_ms']).toBe(90_000);
    expect(chunk?.spanContext().traceId).toBe(scheduling.traceId);
    expect(chunk?.parentSpanContext?.spanId).toBe(scheduling.spanId);
    expect(spans.get('job broken')?.status.code).toBe(2);

    const scrape = parseExposition(await metrics.text());
    expect(sampleValue(scrape, 'govern_job_runs_total', { kind: 'deadline', outcome: 'completed' })).toBe(1);
    expect(sampleValue(scrape, 'govern_job_runs_total', { kind: 'chunk', outcome: 'completed' })).toBe(1);
    expect(sampleValue(scrape, 'govern_job_runs_total', { kind: 'broken', outcome: 'given_up' })).toBe(1);
    expect(sampleValue(scrape, 'govern_job_lateness_seconds_sum', { kind: 'deadline' })).toBe(90);
  });
});
