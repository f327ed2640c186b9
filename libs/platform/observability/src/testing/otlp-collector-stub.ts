import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/**
 * Test support: an OTLP/HTTP trace receiver (`POST /v1/traces`, protobuf) that keeps what
 * services export, so a test can run services as separate processes with
 * OTEL_EXPORTER_OTLP_ENDPOINT=<stub.endpoint> and assert on their spans. It decodes the few
 * fields a test asserts on by field number with @bufbuild/protobuf's wire reader (the OTLP
 * .proto files are not vendored here; the numbers are from opentelemetry-proto's
 * trace/v1/trace.proto, common/v1/common.proto and resource/v1/resource.proto, stable since 1.0).
 */
export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: keyof typeof SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
  /** 0 unset, 1 ok, 2 error (OTLP StatusCode). */
  statusCode: number;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Fields of one length-delimited message, by number, as readers positioned on their value. */
const eachField = (bytes: Uint8Array, visit: (field: number, wireType: WireType, reader: BinaryReader) => void): void => {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    const before = reader.pos;
    visit(field, wireType, reader);
    // Fields the visitor did not read are skipped.
    if (reader.pos === before) reader.skip(wireType, field);
  }
};

const anyValue = (bytes: Uint8Array): string | number | boolean | undefined => {
  let value: string | number | boolean | undefined;
  eachField(bytes, (field, _wire, reader) => {
    if (field === 1) value = reader.string();
    else if (field === 2) value = reader.bool();
    else if (field === 3) value = Number(reader.int64());
    else if (field === 4) value = reader.double();
  });
  return value;
};

const keyValue = (bytes: Uint8Array): [string, string | number | boolean | undefined] => {
  let key = '';
  let value: string | number | boolean | undefined;
  eachField(bytes, (field, _wire, reader) => {
    if (field === 1) key = reader.string();
    else if (field === 2) value = anyValue(reader.bytes());
  });
  return [key, value];
};

const SPAN_KINDS: Record<number, keyof typeof SpanKind> = { 1: 'INTERNAL', 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' };

const decodeSpan = (bytes: Uint8Array, service: string): CollectedSpan => {
  const span: CollectedSpan = { service, traceId: '', spanId: '', name: '', kind: 'INTERNAL', startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: {}, links: [], statusCode: 0 };
  eachField(bytes, (field, _wire, reader) => {
    if (field === 1) span.traceId = hex(reader.bytes());
    else if (field === 2) span.spanId = hex(reader.bytes());
    else if (field === 4) {
      const parent = reader.bytes();
      if (parent.length > 0) span.parentSpanId = hex(parent);
    } else if (field === 5) span.name = reader.string();
    else if (field === 6) span.kind = SPAN_KINDS[reader.int32()] ?? 'INTERNAL';
    else if (field === 7) span.startTimeUnixNano = BigInt(reader.fixed64());
    else if (field === 8) span.endTimeUnixNano = BigInt(reader.fixed64());
    else if (field === 9) {
      const [key, value] = keyValue(reader.bytes());
      if (value !== undefined) span.attributes[key] = value;
    } else if (field === 13) {
      const link = { traceId: '', spanId: '' };
      eachField(reader.bytes(), (f, _w, r) => {
        if (f === 1) link.traceId = hex(r.bytes());
        else if (f === 2) link.spanId = hex(r.bytes());
      });
      span.links.push(link);
    } else if (field === 15) {
      eachField(reader.bytes(), (f, _w, r) => {
        if (f === 3) span.statusCode = r.int32();
      });
    }
  });
  return span;
};

/** Spans of an ExportTraceServiceRequest. */
export const decodeExportTraceRequest = (body: Uint8Array): CollectedSpan[] => {
  const spans: CollectedSpan[] = [];
  eachField(body, (field, _wire, reader) => {
    if (field !== 1) return;
    let service = '';
    const scopeSpans: Uint8Array[] = [];
    eachField(reader.bytes(), (f, _w, r) => {
      if (f === 1) {
        eachField(r.bytes(), (rf, _rw, rr) => {
          if (rf !== 1) return;
          const [key, value] = keyValue(rr.bytes());
          if (key === 'service.name') service = String(value);
        });
      } else if (f === 2) scopeSpans.push(r.bytes());
    });
    for (const scope of scopeSpans) {
      eachField(scope, (f, _w, r) => {
        if (f === 2) spans.push(decodeSpan(r.bytes(), service));
      });
    }
  });
  return spans;
};

/** The same shape from an in-memory exporter's spans, so one assertion helper serves both. */
export const collectedSpanOf = (span: ReadableSpan): CollectedSpan => {
  const nanos = ([seconds, nanoseconds]: [number, number]): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
  const attributes: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(span.attributes)) if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[key] = value;
  const parent = span.parentSpanContext?.spanId;
  return {
    service: String(span.resource.attributes['service.name'] ?? ''),
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: span.name,
    kind: SpanKind[span.kind] as keyof typeof SpanKind,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes,
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
    statusCode: span.status.code,
  };
};

export interface OtlpCollectorStub {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (spans are posted to `<endpoint>/v1/traces`). */
  endpoint: string;
  readonly spans: readonly CollectedSpan[];
  /** Headers of each export request (to check OTEL_EXPORTER_OTLP_HEADERS arrive). */
  readonly requestHeaders: readonly Record<string, string | string[] | undefined>[];
  /** Resolves once `predicate` holds for the spans received; rejects after `timeoutMs`. */
  waitFor(predicate: (spans: readonly CollectedSpan[]) => boolean, timeoutMs?: number): Promise<readonly CollectedSpan[]>;
  close(): Promise<void>;
}

export const startOtlpCollectorStub = async (): Promise<OtlpCollectorStub> => {
  const spans: CollectedSpan[] = [];
  const requestHeaders: Record<string, string | string[] | undefined>[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const raw = Buffer.concat(chunks);
        const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        spans.push(...decodeExportTraceRequest(body));
        requestHeaders.push({ ...request.headers });
        // An empty ExportTraceServiceResponse: full success.
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } catch {
        response.writeHead(400).end();
      }
      for (const wake of [...waiters]) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    requestHeaders,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(spans)) return;
          cleanup();
          resolve(spans);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`OTLP collector stub: condition not met within ${timeoutMs} ms (${spans.length} spans received)`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
