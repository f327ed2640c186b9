import { describe, expect, it } from 'vitest';
import { activityOf } from './platform-activity';

const exposition = (values: { backlog?: string; lag?: number; pending?: number; due?: number; handled?: number; published?: number }): string =>
  [
    '# HELP govern_outbox_backlog Outbox rows not yet published to NATS.',
    '# TYPE govern_outbox_backlog gauge',
    ...(values.backlog === undefined ? [] : [`govern_outbox_backlog ${values.backlog}`]),
    '# HELP govern_outbox_published_total Outbox rows the relay published.',
    '# TYPE govern_outbox_published_total counter',
    `govern_outbox_published_total ${values.published ?? 0}`,
    '# HELP govern_consumer_pending_messages Messages not yet delivered.',
    '# TYPE govern_consumer_pending_messages gauge',
    `govern_consumer_pending_messages{consumer="orders",stream="GOVERN"} ${values.pending ?? 0}`,
    '# HELP govern_consumer_lag_messages Messages not yet acknowledged.',
    '# TYPE govern_consumer_lag_messages gauge',
    `govern_consumer_lag_messages{consumer="orders",stream="GOVERN"} ${values.lag ?? 0}`,
    '# HELP govern_consumer_messages_total Deliveries a consumer finished.',
    '# TYPE govern_consumer_messages_total counter',
    `govern_consumer_messages_total{consumer="orders",outcome="handled"} ${values.handled ?? 0}`,
    '# HELP govern_jobs_due Durable jobs due now.',
    '# TYPE govern_jobs_due gauge',
    ...(values.due === undefined ? [] : [`govern_jobs_due{kind="late-dispatch"} ${values.due}`]),
    '',
  ].join('\n');

describe("a service's activity from its metrics", () => {
  it('is idle with an empty outbox, no message unacknowledged and no job due', () => {
    expect(activityOf('content', exposition({ backlog: '0', due: 0 })).busy).toBeUndefined();
  });

  it('is busy with an event in the outbox, a message not yet acknowledged, or a job due', () => {
    expect(activityOf('content', exposition({ backlog: '3' })).busy).toMatch(/content: govern_outbox_backlog/);
    expect(activityOf('content', exposition({ backlog: '0', lag: 1 })).busy).toMatch(/govern_consumer_lag_messages\{consumer=orders,stream=GOVERN\} 1/);
    expect(activityOf('content', exposition({ backlog: '0', pending: 2, lag: 2 })).busy).toBeDefined();
    expect(activityOf('content', exposition({ backlog: '0', due: 1 })).busy).toMatch(/govern_jobs_due\{kind=late-dispatch\} 1/);
  });

  it('is busy when the outbox could not be read: an unknown backlog proves nothing', () => {
    expect(activityOf('content', exposition({})).busy).toMatch(/outbox unreadable/);
    expect(activityOf('content', exposition({ backlog: 'NaN' })).busy).toBeDefined();
  });

  it('shows finished work in its progress: events published, deliveries finished', () => {
    const before = activityOf('content', exposition({ backlog: '0' })).progress;
    expect(activityOf('content', exposition({ backlog: '0' })).progress).toBe(before);
    expect(activityOf('content', exposition({ backlog: '0', published: 1 })).progress).not.toBe(before);
    expect(activityOf('content', exposition({ backlog: '0', handled: 1 })).progress).not.toBe(before);
  });
});
