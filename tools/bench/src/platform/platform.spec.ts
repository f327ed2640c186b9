import { describe, expect, it } from 'vitest';
import { summarizeErrors } from '../context';
import { errorText } from './platform';
import { TailLog } from './processes';

describe('service error lines', () => {
  it('takes pino lines of level 50 and 60 with the error’s type and first line, and nothing else', () => {
    const line = JSON.stringify({ level: 50, msg: 'unexpected error in handler', err: { type: 'PrismaClientKnownRequestError', message: 'Transaction already closed\nstack…' } });
    expect(errorText(line)).toBe('unexpected error in handler: PrismaClientKnownRequestError Transaction already closed');
    expect(errorText(JSON.stringify({ level: 60, msg: 'fatal' }))).toBe('fatal');
    expect(errorText(JSON.stringify({ level: 30, msg: 'serving' }))).toBeUndefined();
    expect(errorText(JSON.stringify({ level: 500, msg: 'not a pino level' }))).toBeUndefined();
  });

  it('are summed up per service and message, most frequent first', () => {
    const errors = [
      { service: 'content' as const, text: 'a' },
      { service: 'product-quality' as const, text: 'b' },
      { service: 'product-quality' as const, text: 'b' },
      { service: 'content' as const, text: 'c' },
    ];
    expect(summarizeErrors(errors, 2)).toEqual(['2× logged by product-quality: b', '1× logged by content: a']);
  });
});

describe('TailLog', () => {
  it('splits chunks into lines across chunk boundaries and keeps only the last ones', () => {
    const log = new TailLog(2);
    expect(log.push('one\ntw')).toEqual(['one']);
    expect(log.push('o\nthree\nfo')).toEqual(['two', 'three']);
    expect(log.text()).toBe('two\nthree\nfo');
  });
});
