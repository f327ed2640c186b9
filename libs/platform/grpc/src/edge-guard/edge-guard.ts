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

export interface EdgeGuard {
  readonly settings: EdgeGuardSettings;
  /** `decode` for the request messages of method `path`, checked first; never throws. */
  deserializer(path: string, decode: Decode): Decode;
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

  const deserializer = (path: string, decode: Decode): Decode => {
    const typeName = index.inputTypeOf(path);
    const plan: MessagePlan | undefined = typeName ? index.planOf(typeName) : undefined;
    const name = typeName ?? 'request message';
    return (bytes) => {
      if (plan) {
        const result = guardMessage(bytes, plan, settings);
        if (result.malformed) return malformed(name);
        if (result.violations.length > 0) return new RejectedRequest(result.violations, REQUEST_INVALID);
      }
      try {
        return decode(bytes);
      } catch {
        return malformed(name);
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
        for (const [key, method] of Object.entries(def['methods'] as Record<string, { name: string; requestType: { decode: Decode } }>)) {
          const decode = (bytes: Uint8Array) => method.requestType.decode(bytes);
          methods[key] = { ...method, requestType: { ...method.requestType, decode: deserializer(`/${def['fullName']}/${method.name}`, decode) } };
        }
        return { ...def, methods } as CompatServiceDefinition;
      }
      // grpc-js / nice-grpc definitions: { [key]: { path, requestDeserialize, … } }.
      const guarded: Record<string, unknown> = {};
      for (const [key, method] of Object.entries(def as Record<string, { path: string; requestDeserialize: Decode }>)) {
        const decode = (bytes: Uint8Array) => method.requestDeserialize(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
        guarded[key] = { ...method, requestDeserialize: deserializer(method.path, decode) };
      }
      return guarded as CompatServiceDefinition;
    },
  };
};

async function* refuseRejected<T>(requests: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  for await (const request of requests) {
    if (request instanceof RejectedRequest) throw request.toError();
    yield request;
  }
}

/**
 * Turns a RejectedRequest into the ValidationError it stands for, before any handler code runs.
 * Sits inside the error mapper. A client stream ends at the first refused message.
 */
export const edgeGuardMiddleware: ServerMiddleware = async function* edgeGuard(call, context) {
  if (call.requestStream) return yield* call.next(refuseRejected(call.request) as typeof call.request, context);
  if (call.request instanceof RejectedRequest) throw call.request.toError();
  return yield* call.next(call.request, context);
};
