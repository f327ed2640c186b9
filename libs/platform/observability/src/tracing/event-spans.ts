import { ROOT_CONTEXT, SpanKind, trace, type Link, type Span } from '@opentelemetry/api';
import { ATTR, MESSAGING_SYSTEM_NATS } from '../semconv';
import { inSpan, type Telemetry } from '../telemetry/telemetry';
import { contextFromHeaders, contextFromStored } from './trace-context';

/** What the consumer knows of a delivered message when it starts handling it. */
export interface ConsumedMessage {
  /** The message's application headers (`traceparent`, `tracestate`, `Govern-Cascade-Started-At`). */
  headers: Record<string, string>;
  /** Logical subject, e.g. `govern.merchant_access.merchant.removed`. */
  subject: string;
  /** Durable consumer name, `<service>_<purpose>`. */
  consumer: string;
  eventId: string;
  eventType: string;
  deliveryCount: number;
  stream?: string;
  payloadBytes?: number;
}

/**
 * Runs a consumer's handling of one message in a CONSUMER span `process <subject>` that
 * continues the producer's trace: its parent is the context the relay put in the headers
 * (the span that wrote the outbox row, in another service), so one cascade is one trace.
 * OTel's messaging conventions allow the process span to be the creation context's child
 * when one message is processed at a time, as here. Without a `traceparent` the span starts
 * a trace of its own. The cascade start rides along in the context, so events this handler
 * writes carry it on.
 */
export const withConsumerSpan = <T>(telemetry: Pick<Telemetry, 'tracer'>, message: ConsumedMessage, fn: (span: Span) => Promise<T>): Promise<T> => {
  const parent = contextFromHeaders(message.headers, ROOT_CONTEXT);
  return inSpan(
    telemetry.tracer,
    `process ${message.subject}`,
    {
      kind: SpanKind.CONSUMER,
      parent,
      attributes: {
        [ATTR.MESSAGING_SYSTEM]: MESSAGING_SYSTEM_NATS,
        [ATTR.MESSAGING_OPERATION_TYPE]: 'process',
        [ATTR.MESSAGING_OPERATION_NAME]: 'process',
        [ATTR.MESSAGING_DESTINATION_NAME]: message.subject,
        [ATTR.MESSAGING_CONSUMER_GROUP_NAME]: message.consumer,
        [ATTR.MESSAGING_MESSAGE_ID]: message.eventId,
        [ATTR.GOVERN_EVENT_TYPE]: message.eventType.slice(0, 200),
        [ATTR.GOVERN_EVENT_DELIVERY_COUNT]: message.deliveryCount,
        ...(message.stream ? { [ATTR.GOVERN_EVENT_STREAM]: message.stream } : {}),
        ...(message.payloadBytes !== undefined ? { [ATTR.MESSAGING_MESSAGE_BODY_SIZE]: message.payloadBytes } : {}),
      },
    },
    fn,
  );
};

/** A durable job as the runner claimed it. */
export interface ClaimedJob {
  kind: string;
  key: string;
  dueAt: Date;
  /** `scheduled_jobs.trace_context` as `traceContextForJob()` wrote it; null for rows from before. */
  traceContext?: string | null;
  /** Tries before this one. */
  attempts?: number;
}

export interface JobSpanOptions {
  /**
   * `link` (default): the job is a trace of its own that links to the call or event that
   * scheduled it — a timer that fires two days later is not part of that request's trace.
   * `child`: the job continues the scheduling trace and its cascade — for continuation
   * chunks of a cascade (the rest of a 10 000-buyer compensation), due at once.
   */
  relation?: 'link' | 'child';
  now?: () => number;
}

/** Runs one durable job in a span `job <kind>` that links to (or continues) whatever scheduled it. */
export const withJobSpan = <T>(telemetry: Pick<Telemetry, 'tracer'>, job: ClaimedJob, fn: (span: Span) => Promise<T>, options: JobSpanOptions = {}): Promise<T> => {
  const stored = contextFromStored(job.traceContext);
  const scheduling = trace.getSpanContext(stored);
  const relation = options.relation ?? 'link';
  const now = (options.now ?? Date.now)();
  const links: Link[] = relation === 'link' && scheduling ? [{ context: scheduling }] : [];
  // A child keeps the stored cascade start too; a linked job starts afresh.
  const parent = relation === 'child' ? stored : ROOT_CONTEXT;
  return inSpan(
    telemetry.tracer,
    `job ${job.kind}`,
    {
      kind: SpanKind.INTERNAL,
      parent,
      links,
      attributes: {
        [ATTR.GOVERN_JOB_KIND]: job.kind,
        [ATTR.GOVERN_JOB_KEY]: job.key.slice(0, 200),
        [ATTR.GOVERN_JOB_LATENESS_MS]: Math.max(0, now - job.dueAt.getTime()),
        ...(job.attempts !== undefined ? { [ATTR.GOVERN_JOB_ATTEMPT]: job.attempts + 1 } : {}),
      },
    },
    fn,
  );
};
