/**
 * Test-only helpers (not exported from the lib): a hand-built service definition over
 * generated message codecs (no proto of its own), an in-memory pino logger and a tiny
 * reflection client (re-exported from reflection-client.ts).
 */
import { Any, ErrorInfo, HealthCheckRequest, HealthCheckResponse, HealthListRequest, HealthListResponse, RequestInfo } from '@govern/contracts-common';
import type { ServicePolicy, TransportSecurity } from '@govern/platform-auth';
import { pino, type Logger } from 'pino';

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: Partial<T>): T;
}

/** The generated `fromPartial` is generic (Exact<>), which nice-grpc's types cannot see through. */
const codec = <T>(fns: { encode(message: T): { finish(): Uint8Array }; decode(input: Uint8Array): T; fromPartial(object: never): T }): Codec<T> => ({
  encode: (message) => fns.encode(message),
  decode: (input) => fns.decode(input),
  fromPartial: (object) => fns.fromPartial(object as never),
});

const requestInfo = codec<RequestInfo>(RequestInfo);
const errorInfo = codec<ErrorInfo>(ErrorInfo);
const any = codec<Any>(Any);

const method = <Req, Res, S extends boolean>(
  name: string,
  requestType: Codec<Req>,
  responseType: Codec<Res>,
  responseStream: S,
  options: { idempotencyLevel?: 'IDEMPOTENT' | 'NO_SIDE_EFFECTS' } = {},
) => ({ name, requestType, requestStream: false as const, responseType, responseStream, options });

/**
 * `govern.test.v1.TestService`: RequestInfo carries `requestId` like Govern mutations do,
 * ErrorInfo.reason picks a failure, Any.value is a payload of any size.
 */
export const TestServiceDefinition = {
  name: 'TestService',
  fullName: 'govern.test.v1.TestService',
  methods: {
    echo: method('Echo', requestInfo, requestInfo, false),
    fail: method('Fail', errorInfo, errorInfo, false),
    lookup: method('Lookup', errorInfo, errorInfo, false, { idempotencyLevel: 'NO_SIDE_EFFECTS' }),
    slow: method('Slow', requestInfo, requestInfo, false),
    upload: method('Upload', any, any, false),
    ticks: method('Ticks', requestInfo, requestInfo, true),
    later: method('Later', requestInfo, requestInfo, false),
  },
} as const;

/** `grpc.health.v1.Health` for test clients (the generated definition's Exact<> request types reject any field). */
export const HealthClientDefinition = {
  name: 'Health',
  fullName: 'grpc.health.v1.Health',
  methods: {
    check: method('Check', codec<HealthCheckRequest>(HealthCheckRequest), codec<HealthCheckResponse>(HealthCheckResponse), false),
    watch: method('Watch', codec<HealthCheckRequest>(HealthCheckRequest), codec<HealthCheckResponse>(HealthCheckResponse), true),
    list: method('List', codec<HealthListRequest>(HealthListRequest), codec<HealthListResponse>(HealthListResponse), false),
  },
} as const;

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export const memoryLogger = (): { logger: Logger; lines: LogLine[]; text: () => string } => {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return { logger, lines, text: () => raw.join('') };
};

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('aborted', 'AbortError'));
    });
  });

export { reflectionDefinition, type ReflectionRequest } from './reflection-client';

/**
 * Every RPC of a definition open to anyone: the kit's own tests are about the kit (deadlines,
 * errors, bounds), not about who may call; grpc-server.int.spec.ts tests the trust chain itself.
 */
export const openPolicyOf = (definition: { fullName: string; methods: Record<string, { name: string }> }): ServicePolicy => ({
  service: definition.fullName,
  rules: Object.fromEntries(Object.values(definition.methods).map((m) => [m.name, { public: true } as const])),
});

/** Plaintext, chosen explicitly as a Govern service must (ALLOW_INSECURE_PLAINTEXT). */
export const PLAINTEXT: TransportSecurity = { mode: 'plaintext' };
