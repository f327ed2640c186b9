import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ActorKind,
  DeadLetterOrigin,
  DeadLetterState,
  EventDeliveryState,
  PayloadView,
  type DeadLetter,
  type ListDeadLettersRequest,
  type ListEventsRequest,
  type RedriveDeadLetterRequest,
} from '@govern/contracts-common';
import { issueDevToken, type DevPki } from '@govern/platform-auth';
import { DomainError } from '@govern/policy-core';
import { UsageError } from '../usage-error';
import { dlqCommand, eventsCommand } from './events';
import { capturePrinted, cleanUpOpsSuite, devPkiForCli, startOpsServer, type OpsServerStub } from '../testing/ops-server.fixture';

/**
 * `govern events` and `govern dlq` against a real gRPC server serving GovernanceOpsService with
 * fixed answers (the service side is tested in platform-decisions' event-ops.int.spec.ts): what
 * the CLI sends, the token it passes, what it prints.
 */
const listed: ListEventsRequest[] = [];
const letterLists: ListDeadLettersRequest[] = [];
/** What each re-drive carried, and who the server's identity middleware says called (it removes the token itself from the metadata). */
const redrives: { request: RedriveDeadLetterRequest; caller: string | undefined }[] = [];

const letter = (state: DeadLetterState): DeadLetter => ({
  deadLetterId: 'c-7',
  origin: DeadLetterOrigin.DEAD_LETTER_ORIGIN_CONSUMER,
  consumer: 'content_merchant_standing',
  eventId: 'ev-1',
  eventType: 'govern.merchant_access.v1.MerchantRemoved',
  subject: 'govern.merchant_access.merchant.removed',
  error: 'PoisonMessageError: merchant m-1 unknown',
  deliveries: 1,
  deadLetterTime: new Date('2026-12-01T10:00:00Z'),
  state,
  redrivenBy: state === DeadLetterState.DEAD_LETTER_STATE_REDRIVEN ? { subject: 'alice', kind: ActorKind.ACTOR_KIND_PERSON, roles: [], service: '' } : undefined,
  redriveTime: state === DeadLetterState.DEAD_LETTER_STATE_REDRIVEN ? new Date('2026-12-01T11:00:00Z') : undefined,
  redriveNote: state === DeadLetterState.DEAD_LETTER_STATE_REDRIVEN ? 'merchant restored' : '',
  payload: Buffer.from([]),
  payloadJson: '',
});

describe('govern events and govern dlq', () => {
  let stub: OpsServerStub | undefined;
  let address: string;
  const printed: string[] = [];

  // The CLI finds the development CA, its certificate and the dev signing key here, as after npm start.
  let pki: DevPki;
  let operatorToken: string;

  beforeAll(async () => {
    pki = await devPkiForCli('content');
    operatorToken = await issueDevToken(pki.signingKeyFile, { subject: 'alice', roles: ['operator'] });
    stub = await startOpsServer(pki, 'content', {
      async listEvents(request) {
        listed.push(request);
        return {
          events: [
            {
              eventId: 'ev-9',
              eventType: 'govern.content.v1.VideoAssessed',
              subject: 'govern.content.video.assessed',
              occurTime: new Date('2026-12-02T08:00:00Z'),
              publishTime: new Date('2026-12-02T08:00:01Z'),
              state: EventDeliveryState.EVENT_DELIVERY_STATE_PUBLISHED,
              correlationId: 'flow-1',
              causationId: 'req-1',
              actor: undefined,
              resources: [{ type: 'video', id: 'v-1' }],
              payload: Buffer.from([]),
              payloadJson: '',
            },
          ],
          nextPageToken: 'NEXT',
        };
      },
      async listDeadLetters(request) {
        letterLists.push(request);
        return { deadLetters: [letter(DeadLetterState.DEAD_LETTER_STATE_PENDING)], nextPageToken: '' };
      },
      async redriveDeadLetter(request, context) {
        redrives.push({ request, caller: context.caller.subject });
        if (request.deadLetterId !== 'c-7') throw new DomainError('NOT_FOUND', 'DEAD_LETTER.NOT_FOUND', 'no such dead letter');
        return { deadLetter: letter(DeadLetterState.DEAD_LETTER_STATE_REDRIVEN) };
      },
    });
    address = stub.address;
    capturePrinted(printed);
  });
  afterEach(() => {
    printed.length = 0;
  });
  afterAll(() => cleanUpOpsSuite([stub], pki));

  it('events list sends the filters and prints events with the next page', async () => {
    await eventsCommand.run(['list', '--service', 'content', '--content', address, '--correlation', 'flow-1', '--resource', 'video:v-1', '--state', 'published', '--limit', '10', '--from', '2026-12-01T00:00:00Z', '--to', '2026-12-03T00:00:00Z']);
    expect(listed.at(-1)).toMatchObject({
      pageSize: 10,
      correlationId: 'flow-1',
      resource: { type: 'video', id: 'v-1' },
      state: EventDeliveryState.EVENT_DELIVERY_STATE_PUBLISHED,
      window: { startTime: new Date('2026-12-01T00:00:00Z'), endTime: new Date('2026-12-03T00:00:00Z') },
      view: PayloadView.PAYLOAD_VIEW_BASIC,
    });
    const text = printed.join('\n');
    expect(text).toContain('ev-9  govern.content.v1.VideoAssessed  published  occurred 2026-12-02T08:00:00.000Z');
    expect(text).toContain('about video:v-1');
    expect(text).toContain('more: --page NEXT');
    await expect(eventsCommand.run(['list', '--service', 'content', '--resource', 'video'])).rejects.toThrow(UsageError);
    await expect(eventsCommand.run(['list', '--service', 'content', '--state', 'lost'])).rejects.toThrow('--state: one of pending, published, dead');
    await expect(eventsCommand.run(['list', '--service', 'content', '--from', '2026-12-01'])).rejects.toThrow('--from and --to go together');
  });

  it('dlq list prints the error; redrive sends the note, a request id and the token, and prints who re-drove it', async () => {
    await dlqCommand.run(['list', '--service', 'content', '--content', address, '--state', 'pending', '--consumer', 'content_merchant_standing']);
    expect(letterLists.at(-1)).toMatchObject({ state: DeadLetterState.DEAD_LETTER_STATE_PENDING, consumer: 'content_merchant_standing' });
    expect(printed.join('\n')).toContain('dead since 2026-12-01T10:00:00.000Z after 1 deliveries: PoisonMessageError: merchant m-1 unknown');

    printed.length = 0;
    await dlqCommand.run(['redrive', 'c-7', '--service', 'content', '--content', address, '--note', 'merchant restored', '--request-id', 'rd-1', '--token', operatorToken]);
    expect(redrives.at(-1)).toEqual({ request: { requestId: 'rd-1', deadLetterId: 'c-7', note: 'merchant restored' }, caller: 'alice' });
    expect(printed.join('\n')).toContain('re-driven 2026-12-01T11:00:00.000Z by alice: merchant restored');

    await expect(dlqCommand.run(['redrive', 'c-8', '--service', 'content', '--content', address, '--note', 'x'])).rejects.toThrow(/no such dead letter/);
    await expect(dlqCommand.run(['redrive', 'c-7', '--service', 'content'])).rejects.toThrow('--note is required');
    await expect(dlqCommand.run(['purge', '--service', 'content'])).rejects.toThrow(UsageError);
  });
});
