import { create, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { eventDeclarations, eventSubjectProblem, eventTypesModule } from './event-types';

/**
 * Event subjects are written once, in the events protos (`// Subject: govern.<service>.<resource>.<verb>`),
 * and codegen turns them into the contracts libs' event types; it refuses subjects that break the rule.
 */
describe('the event subject rule', () => {
  it.each([
    ['govern.merchant_access.merchant.removed', 'merchant_access'],
    ['govern.consumer_experience.compensation.paid', 'consumer_experience'],
    ['govern.content.content_item.tier_changed', 'content'],
    ['govern.consumer_experience.care_case.platform_stepped_in', 'consumer_experience'],
    ['govern.consumer_experience.care_case.buyer_told', 'consumer_experience'],
  ])('accepts %s', (subject, service) => {
    expect(eventSubjectProblem(subject, service)).toBeUndefined();
  });

  it.each([
    ['govern.merchant_access.merchant', 'merchant_access', /govern\.<service>\.<resource>\.<verb>/],
    ['govern.content.merchant.removed', 'merchant_access', /must start with govern\.merchant_access\./],
    ['govern.merchant_access.Merchant.removed', 'merchant_access', /not snake_case/],
    ['govern.merchant_access.merchant.remove', 'merchant_access', /past tense/],
    ['govern.consumer_experience.care_case.step_in', 'consumer_experience', /past tense/],
    ['govern.merchant_access.merchant.removed.now', 'merchant_access', /govern\.<service>\.<resource>\.<verb>/],
  ])('refuses %s', (subject, service, problem) => {
    expect(eventSubjectProblem(subject, service)).toMatch(problem);
  });
});

/** A descriptor set of one events file, with leading comments as buf writes them. */
const descriptorSet = (messages: { name: string; comment: string; event: boolean }[]): Uint8Array => {
  const file: Partial<FileDescriptorProto> = {
    name: 'govern/shop/v1/shop_events.proto',
    package: 'govern.shop.v1',
    messageType: messages.map((m) => ({ name: m.name, field: m.event ? [{ name: 'meta', number: 1, typeName: '.govern.common.v1.EventMeta' }] : [] })) as never,
    sourceCodeInfo: { location: messages.map((m, i) => ({ path: [4, i], leadingComments: m.comment })) } as never,
  };
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: [file as never] }));
};

describe('event types from the protos', () => {
  it('declares every message that says its subject, in proto order, with its full type name', () => {
    const set = descriptorSet([
      { name: 'OrderShipped', comment: ' An order left the warehouse.\n Subject: govern.shop.order.shipped\n', event: true },
      { name: 'Parcel', comment: ' Part of OrderShipped.\n', event: false },
      { name: 'RefundPaid', comment: ' Money went back. Subject: govern.shop.refund.paid\n', event: true },
    ]);
    const declarations = eventDeclarations(set, 'shop');
    expect(declarations).toEqual([
      { message: 'OrderShipped', typeName: 'govern.shop.v1.OrderShipped', subject: 'govern.shop.order.shipped', module: 'govern/shop/v1/shop_events' },
      { message: 'RefundPaid', typeName: 'govern.shop.v1.RefundPaid', subject: 'govern.shop.refund.paid', module: 'govern/shop/v1/shop_events' },
    ]);
    const source = eventTypesModule(declarations, 'shopEvents', 'shop');
    expect(source).toContain("export const OrderShippedEvent = defineEventType<OrderShipped>('govern.shop.v1.OrderShipped', 'govern.shop.order.shipped', OrderShipped);");
    expect(source).toContain('export const shopEvents = [OrderShippedEvent, RefundPaidEvent] as const;');
  });

  it('refuses an event without a subject, a subject that breaks the rule and a subject used twice, naming each', () => {
    const set = descriptorSet([
      { name: 'OrderShipped', comment: ' Forgot the subject.\n', event: true },
      { name: 'OrderPacked', comment: ' Subject: govern.shop.order.pack\n', event: true },
      { name: 'RefundPaid', comment: ' Subject: govern.shop.refund.paid\n', event: true },
      { name: 'RefundIssued', comment: ' Subject: govern.shop.refund.paid\n', event: true },
    ]);
    expect(() => eventDeclarations(set, 'shop')).toThrow(/OrderShipped: carries govern\.common\.v1\.EventMeta[\s\S]*OrderPacked: verb "pack"[\s\S]*govern\.shop\.refund\.paid names two events/);
  });
});
