import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STREAM_LIMITS } from './event-bus';
import { DEFAULT_INBOX_RETENTION_MS, createInboxRetention, inboxRetentionFor, inboxRetentionProblem } from './inbox-retention';
import { createFlowFixture, silentLog, type FlowFixture } from './testing/flow-fixture';
import { eventually } from './testing/wait';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('inbox retention', () => {
  let fixture: FlowFixture;
  beforeAll(async () => {
    fixture = await createFlowFixture();
  });
  afterAll(async () => {
    await fixture?.dispose();
  });
  beforeEach(async () => {
    await fixture.pool.query('DELETE FROM inbox_events');
  });

  /** Inbox rows of `consumer` processed `ageMs` ago. */
  const processed = async (consumer: string, ids: string[], ageMs: number): Promise<void> => {
    await fixture.pool.query(
      `INSERT INTO inbox_events (consumer, event_id, subject, processed_at)
       SELECT $1, id, 'govern.test.thing', now() - make_interval(secs => $3::double precision / 1000) FROM unnest($2::text[]) AS id`,
      [consumer, ids, ageMs],
    );
  };
  const remaining = async (): Promise<string[]> =>
    (await fixture.pool.query<{ key: string }>(`SELECT consumer || '/' || event_id AS key FROM inbox_events ORDER BY 1`)).rows.map((row) => row.key);

  it('deletes the rows of every consumer processed longer ago than the retention, and keeps the rest', async () => {
    await processed('content_bans', ['old-1', 'old-2'], DEFAULT_INBOX_RETENTION_MS + 60_000);
    await processed('content_bans', ['week-old'], 7 * DAY);
    await processed('content_bans', ['fresh'], 0);
    await processed('content_listings', ['old-3'], 30 * DAY);
    const retention = createInboxRetention({ pool: fixture.pool, log: silentLog });
    expect(await retention.prune()).toBe(3);
    expect(await remaining()).toEqual(['content_bans/fresh', 'content_bans/week-old']);
    expect(await retention.prune()).toBe(0);
  });

  it('deletes a chunk a statement until none is left past the retention', async () => {
    await processed('c', Array.from({ length: 23 }, (_, i) => `old-${i}`), 2 * HOUR);
    await processed('c', ['new'], 0);
    const statements: string[] = [];
    const pool = new Proxy(fixture.pool, {
      get: (target, key) =>
        key === 'query'
          ? (text: string, values: unknown[]) => {
              statements.push(text);
              return target.query(text, values);
            }
          : Reflect.get(target, key, target),
    });
    const retention = createInboxRetention({ pool, log: silentLog, retentionMs: HOUR, chunkSize: 5 });
    expect(await retention.prune()).toBe(23);
    // 5 + 5 + 5 + 5 + 3: the short chunk says nothing is left.
    expect(statements).toHaveLength(5);
    expect(await remaining()).toEqual(['c/new']);
  });

  it('keeps every row when the retention is 0', async () => {
    await processed('c', ['ancient'], 365 * DAY);
    const retention = createInboxRetention({ pool: fixture.pool, log: silentLog, retentionMs: 0, intervalMs: 10 });
    expect(await retention.prune()).toBe(0);
    retention.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await retention.stop();
    expect(await remaining()).toEqual(['c/ancient']);
  });

  it('runs in the background once started, and stops', async () => {
    const retention = createInboxRetention({ pool: fixture.pool, log: silentLog, retentionMs: HOUR, intervalMs: 20 });
    retention.start();
    await processed('c', ['old'], 2 * HOUR);
    await eventually('the old row deleted', async () => (await remaining()).length === 0);
    await retention.stop();
    await processed('c', ['old-after-stop'], 2 * HOUR);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await remaining()).toEqual(['c/old-after-stop']);
  });

  it('finds the old rows through the processed_at index, not by reading the whole inbox', async () => {
    const client = await fixture.pool.connect();
    try {
      // The table is small here, where a scan is cheapest: forbid it, to see that the index serves the query.
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT consumer, event_id FROM inbox_events WHERE processed_at < now() - interval '8 days' ORDER BY processed_at LIMIT 5000 FOR UPDATE SKIP LOCKED`,
      );
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('inbox_events_processed_at_idx');
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });

  it('refuses a retention that would forget events a stream may still deliver', () => {
    const streamAge = DEFAULT_STREAM_LIMITS.maxAgeMs;
    expect(inboxRetentionProblem(DEFAULT_INBOX_RETENTION_MS, streamAge)).toBeUndefined();
    // Unset, the retention follows the streams' age: a day longer, whatever that age is.
    expect(DEFAULT_INBOX_RETENTION_MS).toBe(8 * DAY);
    expect(inboxRetentionFor(30 * DAY)).toBe(31 * DAY);
    expect(inboxRetentionProblem(inboxRetentionFor(30 * DAY), 30 * DAY)).toBeUndefined();
    expect(inboxRetentionProblem(0, streamAge)).toBeUndefined();
    expect(inboxRetentionProblem(streamAge + HOUR, streamAge)).toBeUndefined();
    expect(inboxRetentionProblem(streamAge + HOUR - 1, streamAge)).toMatch(/^INBOX_RETENTION_MS: .* forgets events the streams still hold/);
    expect(inboxRetentionProblem(HOUR, streamAge)).toMatch(/at least EVENT_STREAM_MAX_AGE_MS \(604800000\) plus an hour/);
  });
});
