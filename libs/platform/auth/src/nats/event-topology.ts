/**
 * Who publishes and who consumes what on NATS: the source of the server's permissions
 * (deploy/nats/govern.conf is rendered from it). Each service publishes into its own stream
 * (`GOVERN_<SERVICE>`, subjects `govern.<service>.>`) and reads other services' streams
 * through its durable consumers, as declared in libs/<service>/service/src/consumers/.
 * Each service's tests check its consumers against this table (see the README wiring plan).
 */
export interface ConsumedStream {
  /** Logical stream, e.g. `GOVERN_PRODUCT_QUALITY`. */
  stream: string;
  /** Durable consumer name, `<service>_<purpose>`. */
  durable: string;
  /** Logical subjects the consumer filters (documentation and tests; NATS permissions work per durable). */
  subjects: readonly string[];
}

export interface ServiceTopology {
  /** Subject token of the service: `product_quality`. Also its NATS user name. */
  service: string;
  consumes: readonly ConsumedStream[];
}

export const streamNameOf = (service: string): string => `GOVERN_${service.toUpperCase()}`;
export const DLQ_STREAM_NAME = 'GOVERN_DLQ';
/** Dead letters of one consumer (as platform-events writes them): `govern.dlq.<stream>.<durable>`. */
export const dlqSubjectOf = (stream: string, durable: string): string => `govern.dlq.${stream}.${durable}`;

/** A merchant's standing as product-quality and consumer-experience both follow it. */
const MERCHANT_STANDING_SUBJECTS = [
  'govern.merchant_access.merchant.onboarded',
  'govern.merchant_access.merchant.sanctioned',
  'govern.merchant_access.merchant.removed',
  'govern.merchant_access.merchant.reinstated',
  'govern.merchant_access.store_experience_score.changed',
];

export const GOVERN_EVENT_TOPOLOGY: readonly ServiceTopology[] = [
  {
    service: 'content',
    consumes: [
      {
        stream: 'GOVERN_PRODUCT_QUALITY',
        durable: 'content_product_catalogue',
        subjects: ['govern.product_quality.listing.approved', 'govern.product_quality.product.banned', 'govern.product_quality.product.unbanned'],
      },
      {
        stream: 'GOVERN_MERCHANT_ACCESS',
        durable: 'content_merchant_standing',
        subjects: ['govern.merchant_access.merchant.removed', 'govern.merchant_access.merchant.reinstated', 'govern.merchant_access.affiliate_eligibility.changed'],
      },
      {
        stream: 'GOVERN_CONSUMER_EXPERIENCE',
        durable: 'content_buyer_feedback',
        subjects: ['govern.consumer_experience.content_attribution.reported', 'govern.consumer_experience.complaint.filed'],
      },
    ],
  },
  {
    service: 'product_quality',
    consumes: [
      {
        stream: 'GOVERN_MERCHANT_ACCESS',
        durable: 'product_quality_merchant_standing',
        subjects: MERCHANT_STANDING_SUBJECTS,
      },
      { stream: 'GOVERN_CONSUMER_EXPERIENCE', durable: 'product_quality_service_stats', subjects: ['govern.consumer_experience.product_service_stats.reported'] },
    ],
  },
  {
    service: 'merchant_access',
    consumes: [
      {
        stream: 'GOVERN_PRODUCT_QUALITY',
        durable: 'merchant_access_quality_violations',
        subjects: ['govern.product_quality.listing.rejected', 'govern.product_quality.inspection.failed'],
      },
      { stream: 'GOVERN_CONSUMER_EXPERIENCE', durable: 'merchant_access_service_metrics', subjects: ['govern.consumer_experience.merchant_service_metrics.reported'] },
    ],
  },
  {
    service: 'consumer_experience',
    consumes: [
      { stream: 'GOVERN_PRODUCT_QUALITY', durable: 'consumer_experience_inspection_failures', subjects: ['govern.product_quality.inspection.failed'] },
      {
        stream: 'GOVERN_MERCHANT_ACCESS',
        durable: 'consumer_experience_merchant_standing',
        subjects: MERCHANT_STANDING_SUBJECTS,
      },
    ],
  },
];

/** The inbox prefix a service's NATS connection must use: replies (JetStream API answers, pulled messages) come there, and only there may it subscribe. */
export const natsInboxPrefix = (service: string): string => `_INBOX.${service}`;

export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
}

/**
 * What one service's NATS user may do, with an optional namespace (test runs put every stream
 * and subject under `<namespace>.` / `<namespace>_`; production has none):
 * - publish its own events and the dead letters of its own durables;
 * - manage its own stream and create/inspect (never update) the shared dead-letter stream;
 * - create, inspect and pull from its own durables on the streams it reads, and ack their messages;
 * - subscribe to its own inbox only. No core subscription on `govern.>` at all: events are read through JetStream.
 * JetStream's API subjects: nats-server docs "JetStream API reference"; the calls are those
 * @nats-io/jetstream makes (streams.add/update/info, consumers.add/update/info, consume, ack).
 */
export const permissionsOf = (topology: ServiceTopology, namespace?: string): NatsPermissions => {
  const stream = (name: string): string => (namespace ? `${namespace}_${name}` : name);
  const subject = (name: string): string => (namespace ? `${namespace}.${name}` : name);
  const own = stream(streamNameOf(topology.service));
  const dlq = stream(DLQ_STREAM_NAME);
  const publish = [
    subject(`govern.${topology.service}.>`),
    ...topology.consumes.map((consumed) => subject(dlqSubjectOf(consumed.stream, consumed.durable))),
    '$JS.API.INFO',
    `$JS.API.STREAM.CREATE.${own}`,
    `$JS.API.STREAM.UPDATE.${own}`,
    `$JS.API.STREAM.INFO.${own}`,
    `$JS.API.STREAM.CREATE.${dlq}`,
    `$JS.API.STREAM.INFO.${dlq}`,
    // Its operators read and re-drive its consumers' dead letters through its own ops RPCs
    // (ListDeadLetters, RedriveDeadLetter), which fetch them by sequence from the shared stream.
    // NATS cannot narrow a message-get to some subjects of a stream, so a service could read
    // every service's dead letters: governance events, hashed identities only, like its own inputs.
    `$JS.API.STREAM.MSG.GET.${dlq}`,
  ];
  for (const consumed of topology.consumes) {
    const from = stream(consumed.stream);
    const durable = consumed.durable;
    publish.push(
      // Servers >= 2.9 with one filter subject put it after the name; with none, or several (2.10+), the durable form.
      `$JS.API.CONSUMER.CREATE.${from}.${durable}`,
      `$JS.API.CONSUMER.CREATE.${from}.${durable}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${from}.${durable}`,
      `$JS.API.CONSUMER.INFO.${from}.${durable}`,
      `$JS.API.CONSUMER.MSG.NEXT.${from}.${durable}`,
      `$JS.ACK.${from}.${durable}.>`,
    );
  }
  return { publish, subscribe: [`${natsInboxPrefix(topology.service)}.>`] };
};

/** The operators' NATS user: not a service, so it owns no subjects and no stream. */
export const OPS_USER = 'ops';

/**
 * What the operators' user may do: look, never change. List and inspect streams and durables
 * (lag, pending acks), and read the dead letters with their reasons (`Govern-Dlq-Error`) with
 * the `nats` CLI (`--inbox-prefix _INBOX.ops`). It publishes no event and takes no message from
 * any durable: a dead letter is replayed by fixing its cause, not by re-publishing it as its
 * producer. Like `permissionsOf`, with an optional test namespace.
 */
export const opsPermissions = (namespace?: string): NatsPermissions => {
  const dlq = namespace ? `${namespace}_${DLQ_STREAM_NAME}` : DLQ_STREAM_NAME;
  return {
    publish: [
      '$JS.API.INFO',
      '$JS.API.STREAM.NAMES',
      '$JS.API.STREAM.LIST',
      '$JS.API.STREAM.INFO.*',
      '$JS.API.CONSUMER.NAMES.*',
      '$JS.API.CONSUMER.LIST.*',
      '$JS.API.CONSUMER.INFO.*.*',
      `$JS.API.STREAM.MSG.GET.${dlq}`,
    ],
    subscribe: [`${natsInboxPrefix(OPS_USER)}.>`],
  };
};

/** The environment variable holding a service's NKey public key in the server config. */
export const nkeyVariableOf = (service: string): string => `GOVERN_NATS_NKEY_${service.toUpperCase()}`;
