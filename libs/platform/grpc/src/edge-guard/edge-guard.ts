import { REASON, ValidationError, type FieldViolation } from '@govern/policy-core';
import type { CompatServiceDefinition } from 'nice-grpc';
import type { ServerMiddleware } from 'nice-grpc-common';
import { buildDescriptorIndex, type MessagePlan } from './message-plan';
import { DEFAULT_EDGE_GUARD_SETTINGS, type EdgeGuardSettings } from './settings';
import { guardMessage } from './wire-guard';

/** ErrorInfo.reason of requests the guard refuses: bad field values, and bytes that are not the message at all. */
export const REQUEST_INVALID = 'REQUEST.INVALID';
export const REQUEST_MALFORMED = 'REQUEST.MALFORMED';

/**
 * What a guarded deserializer returns instead of a message: grpc-js answers INTERNAL for anything
 * a deserializer throws, so the refusal travels to `edgeGuardMiddleware`, which throws it as a
 * ValidationError through the one error mapper (INVALID_ARGUMENT with field violations).
 */
export class RejectedRequest {
  constructor(
    readonly violations: readonly FieldViolation[],
    readonly code: string,
  ) {}

  toError(): ValidationError {
    return new ValidationError([...this.violations], this.code);
  }
}

type Decode = (bytes: Uint8Array) => unknown;

const rejections = new WeakMap<object, RejectedRequest>();

/**
 * Why the edge guard refused a message of a client stream, if it did. Unary requests the guard
 * refuses never reach a handler; a stream's messages do, so that a stream whose contract keeps it
 * open on a bad message (content's StreamLivestreamSignals answers it with an error action) can do
 * so: such a handler checks each message with `rejectionOf(message)` before using it. A message
 * whose bytes did not decode at all arrives as the empty message.
 */
export const rejectionOf = (message: unknown): ValidationError | undefined =>
  typeof message === 'object' && message !== null ? rejections.get(message)?.toError() : undefined;

export interface EdgeGuard {
  readonly settings: EdgeGuardSettings;
  /**
   * `decode` for the request messages of method `path`, checked first; never throws. A unary
   * request the guard refuses becomes a RejectedRequest; a stream message (`stream`) is delivered,
   * with its refusal readable through `rejectionOf`.
   */
  deserializer(path: string, decode: Decode, stream?: boolean): Decode;
  /** A definition whose request deserializers are guarded; the same method keys, so the same implementation. */
  guardDefinition(definition: CompatServiceDefinition): CompatServiceDefinition;
}

const malformed = (typeName: string): RejectedRequest =>
  new RejectedRequest([{ field: '', description: `the request is not a valid ${typeName}`, reason: REASON.MALFORMED_MESSAGE }], REQUEST_MALFORMED);

/**
 * The edge guard over the FileDescriptorSet the server serves by reflection. Methods whose input
 * type the set does not describe are still protected from undecodable bytes.
 */
export const createEdgeGuard = (descriptorSet: Uint8Array, settings: EdgeGuardSettings = DEFAULT_EDGE_GUARD_SETTINGS): EdgeGuard => {
  const index = buildDescriptorIndex(descriptorSet, settings);

  const deserializer = (path: string, decode: Decode, stream = false): Decode => {
    const typeName = index.inputTypeOf(path);
    const plan: MessagePlan | undefined = typeName ? index.planOf(typeName) : undefined;
    const name = typeName ?? 'request message';
    const refuse = (rejected: RejectedRequest, bytes: Uint8Array | undefined): unknown => {
      if (!stream) return rejected;
      let message: unknown;
      try {
        message = decode(bytes ?? new Uint8Array());
      } catch {
        message = decode(new Uint8Array());
      }
      if (typeof message === 'object' && message !== null) rejections.set(message, rejected);
      return message;
    };
    return (bytes) => {
      if (plan) {
        const result = guardMessage(bytes, plan, settings);
        if (result.malformed) return refuse(malformed(name), undefined);
        if (result.violations.length > 0) return refuse(new RejectedRequest(result.violations, REQUEST_INVALID), bytes);
      }
      try {
        return decode(bytes);
      } catch {
        return refuse(malformed(name), undefined);
      }
    };
  };

  return {
    settings,
    deserializer,
    guardDefinition(definition) {
      const def = definition as Record<string, unknown>;
      if (typeof def['fullName'] === 'string' && typeof def['methods'] === 'object' && def['methods'] !== null) {
        // ts-proto generic definition: nice-grpc calls requestType.decode with the bytes as they are (no copy).
        const methods: Record<string, unknown> = {};
        for (const [key, method] of Object.entries(def['methods'] as Record<string, { name: string; requestStream: boolean; requestType: { decode: Decode } }>)) {
          const decode = (bytes: Uint8Array) => method.requestType.decode(bytes);
          const guarded = deserializer(`/${def['fullName']}/${method.name}`, decode, method.requestStream);
          methods[key] = { ...method, requestType: { ...method.requestType, decode: guarded } };
        }
        return { ...def, methods } as CompatServiceDefinition;
      }
      // grpc-js / nice-grpc definitions: { [key]: { path, requestDeserialize, … } }.
      const guarded: Record<string, unknown> = {};
      for (const [key, method] of Object.entries(def as Record<string, { path: string; requestStream: boolean; requestDeserialize: Decode }>)) {
        const decode = (bytes: Uint8Array) => method.requestDeserialize(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
        guarded[key] = { ...method, requestDeserialize: deserializer(method.path, decode, method.requestStream) };
      }
      return guarded as CompatServiceDefinition;
    },
  };
};

/**
 * Turns a refused unary request into the ValidationError it stands for, before any handler code
 * runs. Sits inside the error mapper. Stream messages pass (see `rejectionOf`).
 */
export const edgeGuardMiddleware: ServerMiddleware = async function* edgeGuard(call, context) {
  if (!call.requestStream && call.request instanceof RejectedRequest) throw call.request.toError();
  return yield* call.next(call.request, context);
};
