import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error';
import { DEFAULT_METRICS_ADDRESSES } from './health';
import { parseSimulateOptions } from './simulate';

describe('govern simulate options', () => {
  it('defaults to seed 1 at small scale, 16 calls in flight', () => {
    expect(parseSimulateOptions({})).toEqual({
      seed: 1,
      scale: 'small',
      orders: 1_500,
      concurrency: 16,
      idPrefix: undefined,
      settleTimeoutMs: 60_000,
      metrics: DEFAULT_METRICS_ADDRESSES,
      json: false,
      quiet: false,
    });
  });

  it('takes a scale or an order count, not both', () => {
    expect(parseSimulateOptions({ scale: 'demo' })).toMatchObject({ scale: 'demo', orders: 300 });
    expect(parseSimulateOptions({ scale: 'large' }).orders).toBeGreaterThanOrEqual(10_000);
    expect(parseSimulateOptions({ orders: '12000' })).toMatchObject({ scale: 'custom', orders: 12_000, settleTimeoutMs: 120_000 });
    expect(() => parseSimulateOptions({ scale: 'demo', orders: '10' })).toThrow(UsageError);
    expect(() => parseSimulateOptions({ scale: 'huge' })).toThrow(/demo, small, medium, large/);
  });

  it('refuses values that are not what they should be', () => {
    expect(() => parseSimulateOptions({ seed: 'one' })).toThrow(/--seed: not a whole number/);
    expect(() => parseSimulateOptions({ seed: '-1' })).toThrow(UsageError);
    expect(() => parseSimulateOptions({ orders: '0' })).toThrow(/--orders: must be between 1/);
    expect(() => parseSimulateOptions({ concurrency: '0' })).toThrow(/--concurrency/);
    expect(() => parseSimulateOptions({ 'id-prefix': 'a b' })).toThrow(/--id-prefix/);
    expect(parseSimulateOptions({ seed: '42', concurrency: '4', 'id-prefix': 'run-2' })).toMatchObject({ seed: 42, concurrency: 4, idPrefix: 'run-2' });
  });

  it("settles by npm start's metrics only for npm start's services, unless told where they are", () => {
    expect(parseSimulateOptions({}, false).metrics).toBeUndefined();
    expect(parseSimulateOptions({ metrics: 'off' }).metrics).toBeUndefined();
    const endpoints = 'content=127.0.0.1:1,product-quality=127.0.0.1:2,merchant-access=127.0.0.1:3,consumer-experience=127.0.0.1:4';
    expect(parseSimulateOptions({ metrics: endpoints }, false).metrics).toEqual({
      content: '127.0.0.1:1',
      'product-quality': '127.0.0.1:2',
      'merchant-access': '127.0.0.1:3',
      'consumer-experience': '127.0.0.1:4',
    });
    expect(() => parseSimulateOptions({ metrics: 'content=nowhere' })).toThrow(/--metrics/);
  });
});
