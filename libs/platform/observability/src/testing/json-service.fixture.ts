/**
 * Test-only (not exported from the lib): a nice-grpc service definition with JSON messages,
 * so the middlewares are exercised over real gRPC without a proto of their own.
 */
import { pino, type Logger } from 'pino';
import { traceLoggerOptions } from '../logs/log-correlation';

export interface Note {
  text: string;
}

const json = {
  serialize: (value: Note): Uint8Array => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Uint8Array): Note => JSON.parse(Buffer.from(bytes).toString('utf8')) as Note,
};

const method = <S extends boolean>(service: string, name: string, responseStream: S) =>
  ({
    path: `/${service}/${name}`,
    requestStream: false,
    responseStream,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
    options: {},
  }) as const;

/** `govern.test.v1.Edge`: the service a client calls first. */
export const EdgeDefinition = {
  forward: method('govern.test.v1.Edge', 'Forward', false),
} as const;

/** `govern.test.v1.Ledger`: records notes (writing an outbox-like row), fails on demand, streams ticks. */
export const LedgerDefinition = {
  record: method('govern.test.v1.Ledger', 'Record', false),
  fail: method('govern.test.v1.Ledger', 'Fail', false),
  ticks: method('govern.test.v1.Ledger', 'Ticks', true),
} as const;

/** Ledger served as an echo: the bench and the runtime probe measure the middlewares around it, not its work. */
export const echoLedger = {
  record: async (request: Note) => request,
  fail: async (request: Note) => request,
  async *ticks() {
    yield { text: '0' };
  },
};

export interface LogLine {
  msg: string;
  trace_id?: string;
  span_id?: string;
  [key: string]: unknown;
}

/** A pino logger configured as services will be (trace mixin + redaction), into memory. */
export const memoryLogger = (): { logger: Logger; lines: LogLine[] } => {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug', ...traceLoggerOptions }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
};
