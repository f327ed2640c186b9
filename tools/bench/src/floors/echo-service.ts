import type { ServiceDefinition } from '@grpc/grpc-js';

/**
 * The floor of a unary call on this machine: a method that answers with its request bytes,
 * no decoding, no middleware. Bytes pass through untouched on both sides.
 */
const identity = (bytes: Buffer): Buffer => bytes;

export const ECHO_SERVICE = {
  echo: {
    path: '/govern.bench.v1.EchoService/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
    originalName: 'echo',
  },
} satisfies ServiceDefinition;
