import { randomUUID } from 'node:crypto';
import {
  DeadLetterOrigin,
  DeadLetterState,
  EventDeliveryState,
  PayloadView,
  type DeadLetter,
  type EventRecord,
} from '@govern/contracts-common';
import { bearer } from '@govern/platform-auth';
import { UsageError } from '../usage-error';
import { OPS_ADDRESS_HELP, positiveInteger, serviceNamed, toJson, type CliCommand, type OpsClient, parseOpsArgs, WINDOW_OPTIONS, withOpsClient } from './ops-cli';

/**
 * `govern events` and `govern dlq`: the events a service produced and its dead letters, read
 * and re-driven through its GovernanceOpsService (ListEvents, GetEvent, ListDeadLetters,
 * RedriveDeadLetter), like `govern replay`.
 */

const EVENTS_HELP = `Usage: govern events list --service NAME [--type TYPE] [--correlation ID] [--resource TYPE:ID]
                          [--state pending|published|dead] [--from ISO] [--to ISO] [--limit N] [--page TOKEN] [--json]
       govern events show --service NAME <event-id> [--json]

Lists the events a service produced (from its outbox, newest first), or shows one with its
payload. The outbox keeps published events for its retention period (7 days by default), and
unpublished and dead ones until they leave it.

  --service NAME       content, product-quality, merchant-access or consumer-experience
  --type TYPE          only events of this fully-qualified type
  --correlation ID     only events of this business flow
  --resource TYPE:ID   only events about this resource, e.g. merchant:m-1
  --state STATE        pending, published or dead
  --from ISO, --to ISO only events that occurred in [--from, --to) (both required together)
  --limit N            at most N events (default 50)
  --page TOKEN         the next page, as printed after a full page
  --json               print the service's answer as JSON

${OPS_ADDRESS_HELP}`;

const DLQ_HELP = `Usage: govern dlq list --service NAME [--consumer DURABLE] [--type TYPE] [--state pending|redriven]
                       [--origin consumer|publish] [--limit N] [--page TOKEN] [--json]
       govern dlq show --service NAME <dead-letter-id> [--json]
       govern dlq redrive --service NAME <dead-letter-id> --note TEXT [--request-id ID] [--token TOKEN]

Dead letters of a service: events its consumers gave up on (with the error), and events the
bus refused to take from its outbox. After fixing the cause, "redrive" hands the event to the
consumer again (its inbox keeps the effect to once) and records who did it and why. A
re-drive needs an authenticated caller: --token (or GOVERN_TOKEN) is sent as a bearer token.
Repeating a re-drive with the same --request-id is safe.

  --service NAME       content, product-quality, merchant-access or consumer-experience
  --consumer DURABLE   only dead letters of this durable consumer
  --type TYPE          only dead letters of this event type
  --state STATE        pending or redriven
  --origin ORIGIN      consumer or publish
  --limit N            at most N dead letters (default 50)
  --page TOKEN         the next page, as printed after a full page
  --note TEXT          why it is re-driven now (the fix), kept with the re-drive
  --request-id ID      idempotency key of the re-drive (default: a new one)
  --json               print the service's answer as JSON

Exit status: 1 when the re-drive was refused (still failing, already re-driven, not found).

${OPS_ADDRESS_HELP}`;

/** The listing options of both commands (with OPS_COMMAND_OPTIONS). */
const LIST_OPTIONS = {
  limit: { type: 'string' },
  page: { type: 'string' },
  type: { type: 'string' },
} as const;

const choice = <T>(name: string, value: string | undefined, choices: Record<string, T>): T | undefined => {
  if (value === undefined) return undefined;
  const chosen = choices[value.toLowerCase()];
  if (chosen === undefined) throw new UsageError(`--${name}: one of ${Object.keys(choices).join(', ')} (got "${value}")`);
  return chosen;
};

const timeOf = (name: string, value: string): Date => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name}: not a date: ${value}`);
  return date;
};

const EVENT_STATES: Record<number, string> = {
  [EventDeliveryState.EVENT_DELIVERY_STATE_PENDING]: 'pending',
  [EventDeliveryState.EVENT_DELIVERY_STATE_PUBLISHED]: 'published',
  [EventDeliveryState.EVENT_DELIVERY_STATE_DEAD]: 'dead',
};
const LETTER_STATES: Record<number, string> = {
  [DeadLetterState.DEAD_LETTER_STATE_PENDING]: 'pending',
  [DeadLetterState.DEAD_LETTER_STATE_REDRIVEN]: 'redriven',
};
const ORIGINS: Record<number, string> = {
  [DeadLetterOrigin.DEAD_LETTER_ORIGIN_CONSUMER]: 'consumer',
  [DeadLetterOrigin.DEAD_LETTER_ORIGIN_PUBLISH]: 'publish',
};

export const renderEvent = (event: EventRecord, full = false): string => {
  const lines = [
    `${event.eventId}  ${event.eventType}  ${EVENT_STATES[event.state] ?? '?'}  occurred ${event.occurTime?.toISOString() ?? '?'}${event.publishTime ? `  published ${event.publishTime.toISOString()}` : ''}`,
  ];
  if (event.correlationId) lines.push(`  correlation ${event.correlationId}${event.causationId ? `, caused by ${event.causationId}` : ''}`);
  if (event.actor?.subject) lines.push(`  actor ${event.actor.subject}`);
  if (event.resources.length > 0) lines.push(`  about ${event.resources.map((r) => `${r.type}:${r.id}`).join(', ')}`);
  if (full) lines.push(`  payload ${event.payloadJson || `(${event.payload.length} bytes, base64) ${Buffer.from(event.payload).toString('base64')}`}`);
  return lines.join('\n');
};

export const renderDeadLetter = (letter: DeadLetter, full = false): string => {
  const who = letter.consumer ? `consumer ${letter.consumer}` : 'outbox publish';
  const lines = [
    `${letter.deadLetterId}  ${LETTER_STATES[letter.state] ?? '?'}  ${ORIGINS[letter.origin] ?? '?'} (${who})  ${letter.eventType}  event ${letter.eventId}`,
    `  dead since ${letter.deadLetterTime?.toISOString() ?? '?'} after ${letter.deliveries} ${letter.consumer ? 'deliveries' : 'attempts'}: ${letter.error}`,
  ];
  if (letter.redriveTime) lines.push(`  re-driven ${letter.redriveTime.toISOString()} by ${letter.redrivenBy?.subject ?? '?'}: ${letter.redriveNote}`);
  if (full) lines.push(`  payload ${letter.payloadJson || `(${letter.payload.length} bytes, base64) ${Buffer.from(letter.payload).toString('base64')}`}`);
  return lines.join('\n');
};

const withClient = async (values: Record<string, unknown>, run: (client: OpsClient, service: string) => Promise<void>): Promise<void> => {
  const service = serviceNamed(values['service'] as string | undefined);
  await withOpsClient(values, service, { deadlineMs: 60_000, role: 'operator' }, (client) => run(client, service));
};

const nextPageHint = (token: string): string => (token ? `\nmore: --page ${token}` : '');

export const eventsCommand: CliCommand = {
  name: 'events',
  summary: 'list and show the events a service produced',
  help: EVENTS_HELP,
  async run(args) {
    const parsed = parseOpsArgs(args, EVENTS_HELP, { ...LIST_OPTIONS, correlation: { type: 'string' }, resource: { type: 'string' }, state: { type: 'string' }, ...WINDOW_OPTIONS });
    if (!parsed) return;
    const { values, positionals } = parsed;
    const [action, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (action === 'show') {
      if (!id) throw new UsageError('govern events show needs an event id');
      return withClient(values, async (client) => {
        const { event } = await client.getEvent({ eventId: id });
        console.log(values.json ? toJson(event) : event ? renderEvent(event, true) : '');
      });
    }
    if (action !== 'list') throw new UsageError('govern events list|show (see --help)');
    const [resourceType, ...resourceId] = (values.resource ?? '').split(':');
    if (values.resource !== undefined && (!resourceType || resourceId.length === 0)) throw new UsageError('--resource: TYPE:ID, e.g. merchant:m-1');
    if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('--from and --to go together');
    const state = choice('state', values.state, {
      pending: EventDeliveryState.EVENT_DELIVERY_STATE_PENDING,
      published: EventDeliveryState.EVENT_DELIVERY_STATE_PUBLISHED,
      dead: EventDeliveryState.EVENT_DELIVERY_STATE_DEAD,
    });
    return withClient(values, async (client, service) => {
      const answer = await client.listEvents({
        pageSize: positiveInteger('limit', values.limit) ?? 0,
        pageToken: values.page ?? '',
        eventType: values.type ?? '',
        correlationId: values.correlation ?? '',
        ...(values.resource !== undefined ? { resource: { type: resourceType ?? '', id: resourceId.join(':') } } : {}),
        ...(values.from !== undefined && values.to !== undefined ? { window: { startTime: timeOf('from', values.from), endTime: timeOf('to', values.to) } } : {}),
        state: state ?? EventDeliveryState.EVENT_DELIVERY_STATE_UNSPECIFIED,
        view: PayloadView.PAYLOAD_VIEW_BASIC,
      });
      if (values.json) return void console.log(toJson({ service, ...answer }));
      console.log(answer.events.length === 0 ? `no events of ${service} match` : answer.events.map((event) => renderEvent(event)).join('\n') + nextPageHint(answer.nextPageToken));
    });
  },
};

export const dlqCommand: CliCommand = {
  name: 'dlq',
  summary: "list, show and re-drive a service's dead letters",
  help: DLQ_HELP,
  async run(args) {
    const parsed = parseOpsArgs(args, DLQ_HELP, {
      ...LIST_OPTIONS,
      consumer: { type: 'string' },
      state: { type: 'string' },
      origin: { type: 'string' },
      note: { type: 'string' },
      'request-id': { type: 'string' },
      token: { type: 'string' },
    });
    if (!parsed) return;
    const { values, positionals } = parsed;
    const [action, id, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (action === 'list' || action === 'show') {
      const state = choice('state', values.state, { pending: DeadLetterState.DEAD_LETTER_STATE_PENDING, redriven: DeadLetterState.DEAD_LETTER_STATE_REDRIVEN });
      const origin = choice('origin', values.origin, { consumer: DeadLetterOrigin.DEAD_LETTER_ORIGIN_CONSUMER, publish: DeadLetterOrigin.DEAD_LETTER_ORIGIN_PUBLISH });
      if (action === 'show' && !id) throw new UsageError('govern dlq show needs a dead letter id');
      return withClient(values, async (client, service) => {
        if (action === 'show') {
          // No GetDeadLetter RPC: the list with payloads, walked until the id shows up.
          let pageToken = '';
          do {
            const page = await client.listDeadLetters({ pageSize: 500, pageToken, view: PayloadView.PAYLOAD_VIEW_FULL });
            const found = page.deadLetters.find((letter) => letter.deadLetterId === id);
            if (found) return void console.log(values.json ? toJson(found) : renderDeadLetter(found, true));
            pageToken = page.nextPageToken;
          } while (pageToken);
          throw new Error(`${service} has no dead letter ${id}`);
        }
        const answer = await client.listDeadLetters({
          pageSize: positiveInteger('limit', values.limit) ?? 0,
          pageToken: values.page ?? '',
          consumer: values.consumer ?? '',
          eventType: values.type ?? '',
          state: state ?? DeadLetterState.DEAD_LETTER_STATE_UNSPECIFIED,
          origin: origin ?? DeadLetterOrigin.DEAD_LETTER_ORIGIN_UNSPECIFIED,
          view: PayloadView.PAYLOAD_VIEW_BASIC,
        });
        if (values.json) return void console.log(toJson({ service, ...answer }));
        console.log(answer.deadLetters.length === 0 ? `no dead letters of ${service} match` : answer.deadLetters.map((letter) => renderDeadLetter(letter)).join('\n') + nextPageHint(answer.nextPageToken));
      });
    }
    if (action !== 'redrive') throw new UsageError('govern dlq list|show|redrive (see --help)');
    if (!id) throw new UsageError('govern dlq redrive needs a dead letter id');
    if (!values.note) throw new UsageError('--note is required: say what fixed the cause');
    const token = values.token ?? process.env['GOVERN_TOKEN'];
    const requestId = values['request-id'] ?? randomUUID();
    return withClient(values, async (client) => {
      const { deadLetter } = await client.redriveDeadLetter({ requestId, deadLetterId: id, note: values.note ?? '' }, token ? { metadata: bearer(token) } : {});
      console.log(values.json ? toJson({ requestId, deadLetter }) : `${deadLetter ? renderDeadLetter(deadLetter) : ''}\n(request id ${requestId})`);
    });
  },
};
