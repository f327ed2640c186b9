import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { inSpan, startTelemetry } from '../telemetry/telemetry';
import { traceLoggerOptions } from './log-correlation';

const telemetry = startTelemetry({ serviceName: 'log-spec', exporter: new InMemorySpanExporter() });
afterAll(() => telemetry.shutdown());

const memoryLogger = () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug', ...traceLoggerOptions }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
};

describe('traceLogMixin', () => {
  it('names the current span on every line, child loggers included, and only while it is current', async () => {
    const { logger, lines } = memoryLogger();
    const child = logger.child({ rpc: '/govern.test.v1.TestService/Echo' });
    logger.info('before');
    const ids = await inSpan(telemetry.tracer, 'call', {}, async (span) => {
      child.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 5));
      child.warn('after an await');
      return span.spanContext();
    });
    logger.info('after');
    expect(lines.map((line) => [line['msg'], line['trace_id'], line['span_id']])).toEqual([
      ['before', undefined, undefined],
      ['inside', ids.traceId, ids.spanId],
      ['after an await', ids.traceId, ids.spanId],
      ['after', undefined, undefined],
    ]);
  });

  it('names the innermost span when spans nest', async () => {
    const { logger, lines } = memoryLogger();
    const inner = await inSpan(telemetry.tracer, 'outer', {}, () =>
      inSpan(telemetry.tracer, 'inner', {}, async (span) => {
        logger.info('deep');
        return span.spanContext().spanId;
      }),
    );
    expect(lines[0]?.['span_id']).toBe(inner);
  });
});

describe('logRedaction', () => {
  it('censors identity numbers and secrets at the top level and nested', () => {
    const { logger, lines } = memoryLogger();
    logger.info(
      {
        password: 'hunter2hunter2',
        application: { businessLicenceCode: '91350100M000100Y43', bankAccount: { accountNumber: '6222021234567890128' } },
        request: { legalRepresentative: { idNumber: '11010119900307803X' } },
        headers: { authorization: 'Bearer abc.def.ghi' },
        merchantId: 'm-1',
      },
      'submitted',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['hunter2hunter2', '91350100M000100Y43', '6222021234567890128', '11010119900307803X', 'abc.def.ghi']) expect(line).not.toContain(secret);
    expect(lines[0]?.['merchantId']).toBe('m-1');
  });

  it('censors in arrays, in an Error and in the base and top-level child bindings, without changing what the caller logged', () => {
    const { logger, lines } = memoryLogger();
    const fields = { items: [{ idNumber: '11010119900307803X' }], note: 'kept' };
    const error = Object.assign(new Error('refused'), { token: 'tok-secret-1' });
    logger.child({ accessToken: 'tok-secret-2', merchantId: 'm-2' }).info({ ...fields, err: error }, 'listed');
    const line = JSON.stringify(lines[0]);
    for (const secret of ['11010119900307803X', 'tok-secret-1', 'tok-secret-2']) expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({ note: 'kept', merchantId: 'm-2', err: { message: 'refused', type: 'Error' } });
    expect(fields.items[0]?.idNumber).toBe('11010119900307803X');
    expect(error.token).toBe('tok-secret-1');
  });
});
