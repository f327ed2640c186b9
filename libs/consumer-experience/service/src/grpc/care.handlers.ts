import {
  RateContactRequest,
  RateContactResponse,
  RecordBuyerContactRequest,
  RecordBuyerContactResponse,
  RecordMerchantReplyRequest,
  RecordMerchantReplyResponse,
  type GetCareCaseRequest,
  type GetCareCaseResponse,
  type GetServiceNormMetricsRequest,
  type GetServiceNormMetricsResponse,
  type ListCareCasesRequest,
  type ListCareCasesResponse,
} from '@govern/contracts-consumer-experience';
import { METRICS_POLICY } from '@govern/consumer-experience-domain';
import { isInvalid } from '@govern/platform-grpc';
import { REASON } from '@govern/policy-core';
import { listCareCases } from '../adapters/care.repository';
import { merchantNormFigures } from '../adapters/contacts.repository';
import { careCaseToProto, contactToProto, serviceNormMetricsToProto } from '../mapping/care';
import { contactChannelCodec, contactTopicCodec } from '../mapping/enums';
import { getCareCase } from '../use-cases/care';
import { rateContact, recordBuyerContact, recordMerchantReply } from '../use-cases/contacts';
import { reportWindow } from '../use-cases/reports';
import { type Call, ConsumerExperienceChecks, type HandlerKit, mutate, orderBuyerOrMerchant, read, timePage } from './handler-kit';

/**
 * Buyer care (issue 19): buyers' contacts with merchants' customer service (recorded, answered,
 * rated; judged by the service-norm policy), a merchant's service-norm figures, and new-buyer care
 * cases (opened and settled by durable timers; read here).
 */
export const careHandlers = (kit: HandlerKit) => ({
  recordBuyerContact(request: RecordBuyerContactRequest, call: Call): Promise<RecordBuyerContactResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      const contact = {
        contactId: checks.id('contact_id', request.contactId),
        buyerId: checks.id('buyer_id', request.buyerId),
        merchantId: checks.id('merchant_id', request.merchantId),
        orderId: checks.optionalId('order_id', request.orderId),
        channel: checks.enumValue('channel', contactChannelCodec, request.channel),
        topic: checks.enumValue('topic', contactTopicCodec, request.topic),
        contactedAt: checks.timestamp('contact_time', request.contactTime, { now: kit.deps.clock.now() }),
      } as const;
      // An order problem or an after-sale matter is about an order: it names it.
      if (!isInvalid(contact.topic) && contact.topic !== 'PRE_SALE') checks.check(Boolean(request.orderId), 'order_id', `is required for a ${contact.topic} contact`, REASON.REQUIRED);
      return checks.done(contact, 'CONTACT.INVALID');
    };
    return mutate(kit, call, 'RecordBuyerContact', { request: RecordBuyerContactRequest, response: RecordBuyerContactResponse }, request, check, async (work, contact) => ({
      contact: contactToProto(await recordBuyerContact(work, contact)),
    }));
  },

  recordMerchantReply(request: RecordMerchantReplyRequest, call: Call): Promise<RecordMerchantReplyResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done(
        {
          contactId: checks.id('contact_id', request.contactId),
          repliedAt: checks.timestamp('reply_time', request.replyTime, { now: kit.deps.clock.now() }),
          resolves: request.resolves,
        },
        'CONTACT.INVALID_REPLY',
      );
    };
    return mutate(kit, call, 'RecordMerchantReply', { request: RecordMerchantReplyRequest, response: RecordMerchantReplyResponse }, request, check, async (work, reply) => ({
      contact: contactToProto(await recordMerchantReply(work, reply)),
    }));
  },

  rateContact(request: RateContactRequest, call: Call): Promise<RateContactResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done(
        {
          contactId: checks.id('contact_id', request.contactId),
          buyerId: checks.id('buyer_id', request.buyerId),
          rating: checks.number('rating', request.rating, { min: 1, max: 5, integer: true }),
          resolved: request.resolved,
        },
        'CONTACT.INVALID_RATING',
      );
    };
    return mutate(kit, call, 'RateContact', { request: RateContactRequest, response: RateContactResponse }, request, check, async (work, rating) => ({
      contact: contactToProto(await rateContact(work, rating)),
    }));
  },

  async getServiceNormMetrics(request: GetServiceNormMetricsRequest, call: Call): Promise<GetServiceNormMetricsResponse> {
    const now = kit.deps.clock.now();
    const checks = new ConsumerExperienceChecks();
    const options = { now, maxSpanMs: (kit.deps.metricsPolicy ?? METRICS_POLICY).maxWindowMs };
    const { merchantId, window } = checks.done(
      {
        merchantId: checks.id('merchant_id', request.merchantId),
        window: request.window ? checks.window('window', request.window, options) : reportWindow(now),
      },
      'METRICS.INVALID',
    );
    const metrics = await read(kit, call, (_tx, db) => merchantNormFigures(db, merchantId, window, now));
    return { metrics: serviceNormMetricsToProto(metrics, merchantId) };
  },

  async getCareCase(request: GetCareCaseRequest, call: Call): Promise<GetCareCaseResponse> {
    const checks = new ConsumerExperienceChecks();
    const { caseId } = checks.done({ caseId: checks.id('case_id', request.caseId) }, 'CARE_CASE.INVALID');
    return { careCase: careCaseToProto(await read(kit, call, (tx) => getCareCase(tx, caseId))) };
  },

  async listCareCases(request: ListCareCasesRequest, call: Call): Promise<ListCareCasesResponse> {
    const checks = new ConsumerExperienceChecks();
    const { size, after, ...filter } = checks.done({ ...orderBuyerOrMerchant(checks, request), ...timePage(checks, request) }, 'CARE_CASE.INVALID_LIST');
    const page = await read(kit, call, (tx) => listCareCases(tx, filter, { size, after }));
    return { careCases: page.items.map(careCaseToProto), nextPageToken: page.nextPageToken };
  },
});
